#!/usr/bin/env python3
"""An independent WebRTC peer for PeerTransportAiortcIT, built on aiortc.

Protocol (one JSON object per line):
  stdin  <- {"type": "offer", "sdp": "..."}        the SFU's offer (video m-line, recvonly on its side)
  stdout -> {"type": "answer", "sdp": "..."}       our answer (candidates included, no trickle)
  stdout -> {"event": "state", "state": "..."}     connection state changes
  stdout -> {"event": "pli"}                       an RTCP PLI from the SFU was decrypted and handled
Then it sends a solid-colour 320x240 VP8 video track until killed or stdin closes.
Logs go to stderr.
"""
import asyncio
import json
import logging
import sys

import numpy
from av import VideoFrame
from aiortc import RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from aiortc.rtcrtpsender import RTCRtpSender

WIDTH, HEIGHT = 320, 240


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class SolidColourTrack(VideoStreamTrack):
    """320x240 frames of one colour at 30 fps."""

    def __init__(self, rgb):
        super().__init__()
        self._image = numpy.full((HEIGHT, WIDTH, 3), rgb, dtype=numpy.uint8)

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(self._image, format="rgb24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


def report_pli():
    original = RTCRtpSender._send_keyframe

    def send_keyframe(self):
        emit({"event": "pli"})
        original(self)

    RTCRtpSender._send_keyframe = send_keyframe


async def main():
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="aiortc-peer %(levelname)s %(name)s: %(message)s")
    report_pli()
    loop = asyncio.get_running_loop()
    line = await loop.run_in_executor(None, sys.stdin.readline)
    if not line:
        return
    offer = json.loads(line)
    pc = RTCPeerConnection()
    done = asyncio.Event()

    @pc.on("connectionstatechange")
    async def on_state():
        emit({"event": "state", "state": pc.connectionState})
        if pc.connectionState in ("failed", "closed"):
            done.set()

    await pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type=offer["type"]))
    pc.addTrack(SolidColourTrack((0, 128, 255)))
    answer = await pc.createAnswer()
    await pc.setLocalDescription(answer)
    emit({"type": pc.localDescription.type, "sdp": pc.localDescription.sdp})

    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    await asyncio.wait([asyncio.ensure_future(done.wait()), stdin_closed],
                       return_when=asyncio.FIRST_COMPLETED)
    await pc.close()


if __name__ == "__main__":
    asyncio.run(main())
