"""Spoken replies: time to make a clip (engine + Opus encoding) and to find it in the cache.

Speaks the catalog's own lines with the real engines (espeak-ng for Korean, Piper for English)
into a fresh folder, then asks again for each (cache hits). Prints a table and writes
var/bench/voice.json.

    .venv/bin/python -m bench.voice [--lines 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import av

from actions.texts import CATALOG
from agent.voice import Voice

KEYS = ["greet", "capabilities.easy", "fallback", "handoff.requested", "tax.estimate", "not_found"]


def _seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return sum(frame.samples for frame in container.decode(stream)) / stream.rate


async def _measure(voice: Voice, language: str, texts: list[str]) -> dict[str, float]:
    made, hits, audio, sizes = [], [], [], []
    for text in texts:
        start = time.perf_counter()
        clip = await voice.speak(text, language)
        made.append(time.perf_counter() - start)
        assert clip is not None
        start = time.perf_counter()
        await voice.speak(text, language)
        hits.append(time.perf_counter() - start)
        ogg = voice.folder / f"{clip.key}.ogg"
        audio.append(_seconds(ogg))
        sizes.append(ogg.stat().st_size)
    return {
        "clips": len(texts),
        "make_p50_s": statistics.median(made),
        "make_max_s": max(made),
        "cached_p50_ms": statistics.median(hits) * 1000,
        "audio_p50_s": statistics.median(audio),
        "opus_kbit_per_s": sum(sizes) * 8 / 1000 / sum(audio),
        "real_time_factor": sum(made) / sum(audio),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=len(KEYS))
    args = parser.parse_args()
    keys = KEYS[: args.lines]
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        voice = Voice(Path(folder))
        for language, engine in (("ko", "espeak-ng"), ("en", "piper en_US-joe-medium")):
            texts = [CATALOG[key][language].format(phone="120", etax="", wetax="") for key in keys]
            results[language] = {"engine": engine, **asyncio.run(_measure(voice, language, texts))}
    print(
        f"{'language':8} {'engine':24} {'clips':>5} {'make p50':>9} {'make max':>9} "
        f"{'cached':>8} {'audio p50':>9} {'kbit/s':>7} {'RTF':>5}"
    )
    for language, row in results.items():
        print(
            f"{language:8} {row['engine']:24} {row['clips']:>5} {row['make_p50_s']:>8.2f}s "
            f"{row['make_max_s']:>8.2f}s {row['cached_p50_ms']:>6.2f}ms "
            f"{row['audio_p50_s']:>8.1f}s "
            f"{row['opus_kbit_per_s']:>7.1f} {row['real_time_factor']:>5.2f}"
        )
    out = Path(os.environ.get("HAECHI_DATA_DIR", "var")) / "bench" / "voice.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "platform": platform.platform()}
    report = {"when": datetime.now(UTC).isoformat(), "machine": machine, "results": results}
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
