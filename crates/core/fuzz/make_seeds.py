#!/usr/bin/env python3
"""Writes seeds/<target>/ : the small committed corpora each fuzz target
starts from and `cargo test` replays (tests/fuzz_replay.rs). Built from
the recorded provider answers (../tests/recorded), in each target's input
layout (see src/). Files used as they are (the image fixtures in
fixtures/images for `inspect`, the recorded answers for `json`) are not
copied here: src/shared.rs names them, and the replay and `cargo xtask fuzz`
read them where they are. Rerun after changing a layout; inputs that once
crashed are added by hand, named `crash-<what>`, and are not touched here."""
import os, random, struct

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, "..", "tests")
SEEDS = os.path.join(HERE, "seeds")
IDS = ["reve", "fal", "inference-sh", "aimlapi", "onerouter", "pixazo", "pixazo-edit", "replicate"]
KINDS = ["submit", "status", "result", "cancel", "stream", "files", "upload"]


def write(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def recorded(name):
    with open(os.path.join(TESTS, "recorded", name), "rb") as f:
        return f.read()


# json: the recorded answers are read where they are (src/shared.rs); one more.
write("json", "nested_escapes.json", '{"a":[1,-2.5e3,true,null,"\\u00e9\\ud83d\\ude00\\n"],"b":{}}')

# prompt: (&str, u8, u8) as arbitrary reads it: the two bytes come last.
for i, p in enumerate(["Put <img>1</img> on <img>2</img>", "image 1 and image 3", "<img>7</img><img>",
                       "reference 2, then <IMG>1</IMG>"]):
    write("prompt", f"p{i}", p.encode() + bytes([i, 1]))


# provider: [provider][kind][status u16 BE][headers=0][body]
def answer(pid, kind, status, body, headers=()):
    out = bytes([IDS.index(pid), KINDS.index(kind)]) + struct.pack(">H", status) + bytes([len(headers)])
    for name_index, value in headers:
        out += bytes([name_index, len(value)]) + value
    return out + body


pairs = [
    ("fal", "submit", 200, "fal_submit.json"), ("fal", "result", 200, "fal_result.json"),
    ("pixazo", "submit", 200, "pixazo_submit.json"), ("pixazo", "status", 200, "pixazo_completed.json"),
    ("pixazo", "status", 200, "pixazo_error.json"), ("pixazo", "submit", 402, "pixazo_402.json"),
    ("replicate", "submit", 201, "replicate_succeeded.json"), ("aimlapi", "submit", 201, "aimlapi_201.json"),
    ("onerouter", "submit", 200, "aimlapi_201.json"), ("pixazo-edit", "status", 200, "pixazo_completed.json"),
]
for pid, kind, status, name in pairs:
    write("provider", f"{pid}_{kind}_{name}", answer(pid, kind, status, recorded(name)))
write("provider", "fal_status_in_queue", answer("fal", "status", 200, b'{"status":"IN_QUEUE","queue_position":3}'))
write("provider", "reve_submit_429", answer("reve", "submit", 429, b'{"error":"slow down"}', [(1, b"2")]))
write("provider", "reve_submit_image", answer("reve", "submit", 200, b'{"image":"iVBORw0KGgo=","credits_used":2}'))
write("provider", "inference_files", answer("inference-sh", "files", 200,
      b'[{"upload_url":"https://storage.example/u1","uri":"https://cloud.inference.sh/u/1.png"}]'))

# stream: [provider][lines]
write("stream", "inference_stream.ndjson", bytes([IDS.index("inference-sh")]) + recorded("inference_stream.ndjson"))
write("stream", "fal_sse", bytes([IDS.index("fal")]) + b"event: message\n"
      b'data: {"status":"IN_QUEUE","queue_position":1}\n\n'
      b'data: {"status":"IN_PROGRESS","logs":[{"message":"a"}]}\n\n'
      b'data: {"status":"COMPLETED"}\n')

# job: kept jobs as to_json writes them.
write("job", "fal", recorded("fal_submit.json").replace(b"request_id", b"id").replace(b"status_url", b"statusUrl")
      .replace(b'"status"', b'"provider":"fal","s"'))
write("job", "replicate", b'{"provider":"replicate","id":"p1","statusUrl":"https://api.replicate.com/v1/predictions/p1",'
      b'"cancelUrl":"https://api.replicate.com/v1/predictions/p1/cancel"}')
write("job", "inference", b'{"provider":"inference-sh","id":"task_1","requestId":"r\\u00e9"}')

# driver, job_roundtrip: structured input read by arbitrary; a few
# deterministic random starts, one per provider, for libFuzzer to grow.
rng = random.Random(17)
for i, pid in enumerate(IDS):
    write("driver", f"start_{pid}", bytes([i]) + bytes(rng.randrange(256) for _ in range(200)))
    write("job_roundtrip", f"r{i}", bytes([i]) + bytes(rng.randrange(256) for _ in range(48)))
