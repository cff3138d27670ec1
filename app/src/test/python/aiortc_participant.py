#!/usr/bin/env python3
"""An independent WebRTC participant for AMS tests, built on aiortc.

Signaling is bridged by the Java test: this process reads the server's signaling messages as
JSON lines on stdin ({"type":"offer",...} etc.) and writes the messages to send as JSON lines on
stdout. It sends a solid-colour VP8 camera and a quiet tone as microphone, and reports what it
receives on the main-speaker and mix tracks: {"type":"report","main":{...},"mix":{...}} every
second, with frame counts, sizes and the colour at a few points.

Arguments: the camera colour "R,G,B", the microphone tone in Hz (default 440), and the tones (Hz, comma
separated) to look for in what it hears. Each received audio track (by mid, with its role: "audio" =
one forwarded participant, "mixed-audio" = the engine's mix) is reported under "audio": frames
decoded, frames in the last second, and for each tone looked for its share of the last second's
energy in dB (about 0 for a pure tone, -3 for one of two equal tones, far below -20 when absent).
"audioGapMs" is the longest time without an audio frame on any track since the last
{"type":"reset-gap"} line (the audible gap of a switch between forwarded and mixed audio).
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
    """20 ms frames of a soft tone (440 Hz unless told), 48 kHz mono."""

    def __init__(self, hz=440.0):
        super().__init__()
        self.n = 0
        self.hz = hz

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
        data = (numpy.sin(2 * numpy.pi * self.hz * t) * 3000).astype(numpy.int16).reshape(1, -1)
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


class AudioGaps:
    """The longest time without an audio frame on any received track since the last reset."""

    def __init__(self):
        self.last = None
        self.max_gap = 0.0

    def frame(self, now):
        if self.last is not None:
            self.max_gap = max(self.max_gap, now - self.last)
        self.last = now

    def reset(self):
        self.last = None
        self.max_gap = 0.0


class AudioSink:
    """One received audio track: frames decoded, and the last second of it (mono) to find tones in."""

    def __init__(self, mid, role, gaps, probes):
        self.mid = mid
        self.role = role
        self.gaps = gaps
        self.probes = probes
        self.frames = 0
        self.arrivals = []
        self.pcm = numpy.zeros(0, numpy.float64)

    async def consume(self, track):
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            now = time.time()
            self.frames += 1
            self.gaps.frame(now)
            self.arrivals = [a for a in self.arrivals if now - a < 1.0] + [now]
            data = frame.to_ndarray().astype(numpy.float64).reshape(-1)
            channels = len(frame.layout.channels)
            if channels > 1:
                data = data[0::channels]
            self.pcm = numpy.concatenate([self.pcm, data])[-48000:]

    def tones(self):
        if len(self.pcm) < 24000:
            return {}
        spectrum = numpy.abs(numpy.fft.rfft(self.pcm * numpy.hanning(len(self.pcm)))) ** 2
        total = spectrum.sum() + 1e-9
        hz_per_bin = 48000.0 / len(self.pcm)
        out = {}
        for f in self.probes:
            b = int(round(f / hz_per_bin))
            band = spectrum[max(0, b - 3):b + 4].sum()
            out[str(int(f))] = round(10 * numpy.log10(band / total + 1e-12), 1)
        return out

    def report(self):
        now = time.time()
        return {"role": self.role.get("role"), "participantId": self.role.get("participantId"), "frames": self.frames,
                "recent": len([a for a in self.arrivals if now - a < 1.0]), "tones": self.tones()}


async def main():
    rgb = [int(v) for v in (sys.argv[1] if len(sys.argv) > 1 else "255,255,0").split(",")]
    hz = float(sys.argv[2]) if len(sys.argv) > 2 else 440.0
    probes = [float(v) for v in sys.argv[3].split(",")] if len(sys.argv) > 3 and sys.argv[3] else []
    pc = RTCPeerConnection()
    sinks = {"main": Sink(), "mix": Sink()}
    audio_sinks = {}
    gaps = AudioGaps()
    roles = {}
    camera = ColourTrack(rgb)
    mic = QuietTone(hz)
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
        elif track.kind == "audio" and mid is not None:
            sink = AudioSink(mid, roles.setdefault(mid, {}), gaps, probes)
            audio_sinks[mid] = sink
            asyncio.ensure_future(sink.consume(track))
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
                  "main": sinks["main"].report(), "mix": sinks["mix"].report(),
                  "audio": {mid: s.report() for mid, s in list(audio_sinks.items())},
                  "audioGapMs": round(gaps.max_gap * 1000, 1)})

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
            for mid, role in msg.get("tracks", {}).items():
                roles.setdefault(mid, {}).clear()
                roles[mid].update(role)  # in place: a sink keeps seeing its slot's current role
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
        elif msg.get("type") == "reset-gap":
            gaps.reset()
        elif msg.get("type") == "quit":
            break
    await pc.close()


if __name__ == "__main__":
    asyncio.run(main())
