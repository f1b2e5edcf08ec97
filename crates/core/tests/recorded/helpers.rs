//! Shared by the provider, driver, validation, spec and proxy tests: tiny
//! real images, config and response builders, a JSON view of request
//! bodies, and the start-then-feed steps every provider test takes.
#![allow(dead_code)]

use reve_remix_core::RemixError;
use reve_remix_core::http::{HttpRequest, HttpResponse, RequestKind};
use reve_remix_core::id::ProviderId;
use reve_remix_core::job::Job;
use reve_remix_core::provider::{self, Config, Flight, ImageSource, Provider, RemixInput, Step};

/// A job and what its run keeps beside it, as the driver holds them; reads
/// as the job.
#[derive(Clone, Debug)]
pub struct Followed {
    pub job: Job,
    pub flight: Flight,
}

impl From<Job> for Followed {
    fn from(job: Job) -> Self {
        Self {
            job,
            flight: Flight::default(),
        }
    }
}

impl std::ops::Deref for Followed {
    type Target = Job;
    fn deref(&self) -> &Job {
        &self.job
    }
}

impl std::ops::DerefMut for Followed {
    fn deref_mut(&mut self) -> &mut Job {
        &mut self.job
    }
}

pub const KEY: &str = "sk-test-SECRET-0123456789";

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut c = kind.to_vec();
    c.extend_from_slice(data);
    out.extend_from_slice(&c);
    out.extend_from_slice(&crc32(&c).to_be_bytes());
}

/// A real 1×1 RGB PNG with valid CRCs and zlib stream.
pub fn png_1x1() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
    // zlib: stored block holding one scanline: filter 0 + RGB.
    let raw = [0u8, 0xff, 0x00, 0x00];
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    let mut z = vec![0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff];
    z.extend_from_slice(&raw);
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A real 80×60 baseline JPEG from the image fixtures.
pub fn jpeg() -> Vec<u8> {
    reve_remix_fixtures::bytes("jpeg_baseline_80x60.jpg").to_vec()
}

pub fn b64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

pub fn png_src(name: &str) -> ImageSource {
    ImageSource::Bytes {
        data: png_1x1().into(),
        name: Some(name.to_string()),
    }
}

pub fn url_src(u: &str) -> ImageSource {
    ImageSource::Url(u.to_string())
}

pub fn cfg(provider: ProviderId) -> Config {
    Config::new(provider, KEY)
}

pub fn input(prompt: &str, images: Vec<ImageSource>) -> RemixInput {
    RemixInput {
        prompt: prompt.to_string(),
        images,
        ..RemixInput::default()
    }
}

pub fn res(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(status, body.as_bytes().to_vec())
        .with_header("content-type", "application/json")
}

pub fn body(req: &HttpRequest) -> serde_json::Value {
    serde_json::from_slice(req.body.bytes()).expect("request body is JSON")
}

pub fn recorded(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/recorded/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("recorded file")
}

/// Validate `input` and build its first request; fails the test if refused.
pub fn start(input: &RemixInput, cfg: &Config) -> (&'static dyn Provider, Followed, HttpRequest) {
    let (p, job, flight, req) = provider::start(input, cfg).expect("valid input");
    (p, Followed { job, flight }, req)
}

/// The error `input` is refused with before any request.
pub fn start_err(input: &RemixInput, cfg: &Config) -> RemixError {
    match provider::start(input, cfg) {
        Ok(_) => panic!("should be rejected"),
        Err(e) => e,
    }
}

/// Give `p` the answer `r` to a request of `kind`.
pub fn feed(
    p: &dyn Provider,
    job: &mut Followed,
    cfg: &Config,
    kind: RequestKind,
    r: HttpResponse,
) -> Result<Step, RemixError> {
    job.flight.phase = kind;
    p.on_response(&mut job.job, &mut job.flight, cfg, &r)
}

/// The error `p` makes of the answer `r` to a request of `kind`.
pub fn feed_err(
    p: &dyn Provider,
    job: &mut Followed,
    cfg: &Config,
    kind: RequestKind,
    r: HttpResponse,
) -> RemixError {
    feed(p, job, cfg, kind, r).expect_err("should be an error")
}

pub fn assert_no_key(s: &str) {
    assert!(!s.contains(KEY), "the key leaked into: {s}");
}
