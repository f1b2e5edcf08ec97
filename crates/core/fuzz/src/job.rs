//! `Job` kept as JSON and read back.

use arbitrary::Unstructured;
use reve_remix_core::job::Job;
use reve_remix_core::provider;

use super::ids;

/// `Job::from_json` on any text never panics; what it reads is written
/// back by `to_json` to text that reads back the same.
pub fn job(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(job) = Job::from_json(&text) {
        assert!(ids().contains(&job.provider), "{}", job.provider);
        let again = Job::from_json(&job.to_json()).expect("its own JSON reads back");
        assert_eq!(again, job);
    }
}

/// Any job's `to_json` reads back as the same job (provider, any model it
/// sells, id and the four optional fields, whatever characters they hold).
/// An empty string is no value when read (`str_at`): an empty optional
/// field reads back as `None`, and a job with an empty id (not submitted)
/// does not read back.
pub fn roundtrip(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let ids = ids();
    let Ok(which) = u.choose_index(ids.len()) else {
        return;
    };
    let info = provider::info(ids[which]);
    let mut job = Job::new(info.id, info.model.id);
    let text = |u: &mut Unstructured<'_>| {
        u.arbitrary::<Option<String>>()
            .ok()
            .flatten()
            .filter(|s| !s.is_empty())
    };
    job.id = text(&mut u).unwrap_or_default();
    job.request_id = text(&mut u);
    job.status_url = text(&mut u);
    job.result_url = text(&mut u);
    job.cancel_url = text(&mut u);
    // Last, so the seeds written before models existed read as they did.
    if let Ok(m) = u.choose_index(info.models.len()) {
        job.model = info.models[m].id;
    }
    let json = job.to_json();
    if job.id.is_empty() {
        assert_eq!(Job::from_json(&json), None, "{json}");
        return;
    }
    let back = Job::from_json(&json).unwrap_or_else(|| panic!("{json} does not read back"));
    assert_eq!(back, job, "{json}");
}
