//! Each provider's reading of answers and stream lines, one at a time.

use reve_remix_core::http::{HttpResponse, RequestKind};
use reve_remix_core::id::ProviderId;
use reve_remix_core::job::{Job, RemixResult};
use reve_remix_core::provider::{self, Config, Flight, ImageSource, Provider, RemixInput, Step};
use reve_remix_core::{ErrorCode, RemixError};

use super::{KEY, ids};

/// A real 64×48 PNG from the image fixtures.
pub const PNG: &[u8] = reve_remix_fixtures::bytes("png_rgb_64x48.png");

/// Every request kind, in the order an input byte picks them.
pub const KINDS: [RequestKind; 7] = [
    RequestKind::Submit,
    RequestKind::Status,
    RequestKind::Result,
    RequestKind::Cancel,
    RequestKind::Stream,
    RequestKind::Files,
    RequestKind::Upload,
];

/// Header names an input byte picks from: the ones the core reads.
pub const HEADERS: [&str; 8] = [
    "content-type",
    "retry-after",
    "date",
    "x-fal-retryable",
    "x-request-id",
    "x-fal-request-id",
    "location",
    "x-other",
];

/// A valid input for provider `id`: one image, as bytes where the
/// provider takes bytes, else as a URL.
pub fn input_for(id: ProviderId) -> RemixInput {
    let cfg = Config::new(id, KEY);
    let with = |image: ImageSource| RemixInput {
        prompt: "Put <img>0</img> on a beach".to_string(),
        images: vec![image],
        ..RemixInput::default()
    };
    let bytes = with(ImageSource::Bytes {
        data: PNG.to_vec().into(),
        name: Some("a.png".to_string()),
    });
    if provider::start(&bytes, &cfg).is_ok() {
        return bytes;
    }
    with(ImageSource::Url("https://example.com/a.png".to_string()))
}

/// The job and provider right after a submit of [`input_for`].
pub fn submitted(id: ProviderId) -> (&'static dyn Provider, Job, Flight, Config) {
    let cfg = Config::new(id, KEY);
    let (p, job, flight, _) = provider::start(&input_for(id), &cfg).expect("a valid input starts");
    (p, job, flight, cfg)
}

/// What every answer the core gives must respect: a result has an image
/// (a URL or the bytes) and says whose it is. (That no error shows the key
/// is the driver's promise, which masks it: a provider quotes the server's
/// message as sent, and a server may echo the key; see `driver`.)
pub fn check_outcome(id: ProviderId, r: &Result<RemixResult, RemixError>) {
    match r {
        Ok(res) => {
            assert!(!res.images.is_empty(), "{id}: Done without an image");
            for image in &res.images {
                assert!(
                    image.url.as_deref().is_some_and(|u| !u.is_empty())
                        || image.data_url.as_deref().is_some_and(|u| !u.is_empty()),
                    "{id}: a result image with neither URL nor data: {image:?}"
                );
            }
            assert_eq!(res.provider, id);
        }
        Err(e) => {
            assert!(
                e.code != ErrorCode::UnknownProvider,
                "{id}: an answer read as an unknown provider: {e:?}"
            );
        }
    }
}

/// Checks a provider's step.
pub fn check_step(id: ProviderId, step: &Result<Step, RemixError>) {
    match step {
        Ok(Step::Done(r)) => check_outcome(id, &Ok(r.clone())),
        Err(e) => check_outcome(id, &Err(e.clone())),
        Ok(Step::Send(_) | Step::Stream(_) | Step::Poll) => {}
    }
}

/// A cursor over the fixed layout below: reads past the end give zeros.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn u8(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        self.0 = rest;
        first
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let (a, b) = self.0.split_at(n.min(self.0.len()));
        self.0 = b;
        a
    }
}

/// A response as laid out in an input: `status` (2 bytes, big-endian,
/// mod 1000), a header count (low 2 bits), each header as a name index
/// into [`HEADERS`], a length and the value; the body is the rest.
fn read_response(b: &mut Bytes<'_>) -> HttpResponse {
    let status = u16::from_be_bytes([b.u8(), b.u8()]) % 1000;
    let count = b.u8() & 3;
    let mut res = HttpResponse::new(status, Vec::new());
    for _ in 0..count {
        let name = HEADERS[usize::from(b.u8()) % HEADERS.len()];
        let len = usize::from(b.u8());
        let value = String::from_utf8_lossy(b.take(len)).into_owned();
        res.headers.push((name.to_string(), value));
    }
    res.body = b.0.to_vec();
    res
}

/// One answer to one provider: byte 0 picks the provider ([`ids`]),
/// byte 1 the request it answers ([`KINDS`]; bit 7 set: the job has no id
/// yet), then the response as [`read_response`] reads it. The provider
/// never panics; a `Done` has an image; an error never shows the key.
pub fn response(data: &[u8]) {
    let mut b = Bytes(data);
    let ids = ids();
    let id = ids[usize::from(b.u8()) % ids.len()];
    let kind_byte = b.u8();
    let kind = KINDS[usize::from(kind_byte & 0x7F) % KINDS.len()];
    let res = read_response(&mut b);
    let (p, mut job, mut flight, cfg) = submitted(id);
    if kind_byte & 0x80 == 0 {
        job.id = "job-1".to_string();
    }
    flight.phase = kind;
    let step = p.on_response(&mut job, &mut flight, &cfg, &res);
    check_step(id, &step);
    // The job read from an answer can be kept and read back.
    if !job.id.is_empty() {
        let again = Job::from_json(&job.to_json()).expect("a submitted job reads back");
        assert_eq!(again.id, job.id);
    }
}

/// A status stream (fal's server-sent events, inference.sh's NDJSON, and
/// the others' default): byte 0 picks the provider, the rest is split
/// into lines fed in order until the provider stops reading. Same checks
/// as [`response`].
pub fn stream(data: &[u8]) {
    let mut b = Bytes(data);
    let ids = ids();
    let id = ids[usize::from(b.u8()) % ids.len()];
    let (p, mut job, mut flight, cfg) = submitted(id);
    job.id = "job-1".to_string();
    flight.phase = RequestKind::Stream;
    for line in b.0.split(|c| *c == b'\n') {
        let step = p.on_stream_line(&mut job, &mut flight, &cfg, line);
        match step {
            Ok(None) => {}
            Ok(Some(step)) => {
                check_step(id, &Ok(step));
                break;
            }
            Err(e) => {
                check_step(id, &Err(e));
                break;
            }
        }
    }
}
