#!/usr/bin/env python3
"""An independent WebRTC participant for AMS tests, built on aiortc.

Signaling is bridged by the Java test: this process reads the server's signaling messages as
JSON lines on stdin ({"type":"offer",...} etc.) and writes the messages to send as JSON lines on
stdout. It sends a solid-colour VP8 camera and a quiet tone as microphone, and reports what it
receives on the main-speaker and mix tracks: {"type":"report","main":{...},"mix":{...}} every
second, with frame counts, sizes and the colour at a few points.
"""
import asyncio
import fractions
import json
import sys
import time

import numpy
from aiortc import RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from aiortc.mediastreams import AudioStreamTrack
from av import VideoFrame, AudioFrame


def send(msg):
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


class ColourTrack(VideoStreamTrack):
    def __init__(self, rgb, width=320, height=240):
        super().__init__()
        img = numpy.zeros((height, width, 3), numpy.uint8)
        img[:, :] = rgb
        self.img = img

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(self.img, format="rgb24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


class QuietTone(AudioStreamTrack):
    """20 ms frames of a soft 440 Hz tone, 48 kHz mono."""

    def __init__(self):
        super().__init__()
        self.n = 0

    async def recv(self):
        if not hasattr(self, "_start"):
            self._start = time.time()
        samples = 960
        t0 = self.n * samples
        self.n += 1
        wait = self._start + self.n * 0.02 - time.time()
        if wait > 0:
            await asyncio.sleep(wait)
        t = (numpy.arange(t0, t0 + samples) / 48000.0)
        data = (numpy.sin(2 * numpy.pi * 440 * t) * 3000).astype(numpy.int16).reshape(1, -1)
        frame = AudioFrame.from_ndarray(data, format="s16", layout="mono")
        frame.sample_rate = 48000
        frame.pts = t0
        frame.time_base = fractions.Fraction(1, 48000)
        return frame


class Sink:
    def __init__(self):
        self.frames = 0
        self.width = 0
        self.height = 0
        self.samples = {}

    async def consume(self, track):
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            self.frames += 1
            self.width, self.height = frame.width, frame.height
            if self.frames % 10 == 1:
                img = frame.to_ndarray(format="rgb24")
                pts = {}
                for fy in (0.25, 0.5, 0.75):
                    for fx in (0.25, 0.5, 0.75):
                        y = min(int(fy * frame.height), frame.height - 1)
                        x = min(int(fx * frame.width), frame.width - 1)
                        pts["%.2f,%.2f" % (fx, fy)] = [int(v) for v in img[y, x]]
                self.samples = pts

    def report(self):
        return {"frames": self.frames, "width": self.width, "height": self.height, "samples": self.samples}


async def main():
    rgb = [int(v) for v in (sys.argv[1] if len(sys.argv) > 1 else "255,255,0").split(",")]
    pc = RTCPeerConnection()
    sinks = {"main": Sink(), "mix": Sink()}
    roles = {}
    camera = ColourTrack(rgb)
    mic = QuietTone()
    added = False

    @pc.on("track")
    def on_track(track):
        mid = None
        for t in pc.getTransceivers():
            if t.receiver.track is track:
                mid = t.mid
        role = roles.get(mid, {}).get("role")
        if track.kind == "video" and role in sinks:
            asyncio.ensure_future(sinks[role].consume(track))
        else:
            async def drain():
                while True:
                    try:
                        await track.recv()
                    except Exception:
                        return
            asyncio.ensure_future(drain())

    async def reporter():
        while True:
            await asyncio.sleep(1)
            send({"type": "report", "state": pc.connectionState,
                  "main": sinks["main"].report(), "mix": sinks["mix"].report()})

    asyncio.ensure_future(reporter())
    loop = asyncio.get_event_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        msg = json.loads(line)
        if msg.get("type") == "offer":
            roles.update(msg.get("tracks", {}))
            await pc.setRemoteDescription(RTCSessionDescription(sdp=msg["sdp"], type="offer"))
            if not added:
                # the offer's mid 0 (audio) and mid 1 (video) are ours to send on
                for t in pc.getTransceivers():
                    if t.mid == "0":
                        t.sender.replaceTrack(mic)
                        t.direction = "sendonly"
                    elif t.mid == "1":
                        t.sender.replaceTrack(camera)
                        t.direction = "sendonly"
                added = True
            answer = await pc.createAnswer()
            await pc.setLocalDescription(answer)
            send({"type": "answer", "sdp": pc.localDescription.sdp})
        elif msg.get("type") == "quit":
            break
    await pc.close()


if __name__ == "__main__":
    asyncio.run(main())
