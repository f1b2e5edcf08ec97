//! What the Worker and its one Durable Object say to each other: "let this
//! submission of $X by client C through" and the answer, a day total or
//! the refusal. Pure and in this crate, so that both sides and the native
//! tests share one encoding, and a refusal reaches the page word for word
//! as [`Ledger::admit`](super::Ledger::admit) wrote it.

use reve_remix_core::json::{self, JsonWriter, Value};

use super::Admitted;
use crate::refusal::{Code, Refusal};

/// One submission to price: who asks, and its estimated cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    /// The client it counts for (an address, or `sub:<subject>`).
    pub client: String,
    /// Its estimated cost, in millionths of a dollar.
    pub cost_micros: u64,
}

impl Ask {
    /// `{"client": "…", "costMicros": N}`
    pub fn to_json(&self) -> Vec<u8> {
        let mut w = JsonWriter::new();
        w.begin_object();
        w.key("client").string(&self.client);
        w.key("costMicros").uint(self.cost_micros);
        w.end_object();
        w.finish()
    }

    /// An ask [`to_json`](Self::to_json) wrote; `Err` says what is wrong.
    pub fn from_json(text: &[u8]) -> Result<Self, String> {
        let v = json::parse(text).map_err(|_| "the ask is not JSON".to_string())?;
        let client = v
            .str_at("client")
            .ok_or("the ask has no \"client\"")?
            .to_string();
        let cost_micros = v
            .get("costMicros")
            .and_then(Value::as_u64)
            .ok_or("the ask has no whole \"costMicros\"")?;
        Ok(Self {
            client,
            cost_micros,
        })
    }
}

/// The answer: `{"costMicros": N, "dayMicros": N}` when admitted, else
/// `{"refused": {"code": "…", "message": "…", "retryAfter": N|null}}`.
pub fn answer_json(answer: &Result<Admitted, Refusal>) -> Vec<u8> {
    let mut w = JsonWriter::new();
    w.begin_object();
    match answer {
        Ok(a) => {
            w.key("costMicros").uint(a.cost_micros);
            w.key("dayMicros").uint(a.day_micros);
        }
        Err(r) => {
            w.key("refused").begin_object();
            w.key("code").string(r.code.as_str());
            w.key("message").string(&r.message);
            match r.retry_after_secs {
                Some(s) => w.key("retryAfter").uint(s),
                None => w.key("retryAfter").null(),
            };
            w.end_object();
        }
    }
    w.end_object();
    w.finish()
}

/// An answer [`answer_json`] wrote; the outer `Err` says what is wrong
/// with it (the Worker then refuses the submission: it cannot tell what
/// the day has cost).
pub fn parse_answer(text: &[u8]) -> Result<Result<Admitted, Refusal>, String> {
    let v = json::parse(text).map_err(|_| "the answer is not JSON".to_string())?;
    if let Some(r) = v.get("refused") {
        let code = r
            .str_at("code")
            .and_then(Code::from_name)
            .ok_or("the refusal has no known \"code\"")?;
        let mut refusal = Refusal::new(code, r.str_at("message").unwrap_or_default());
        refusal.retry_after_secs = r.get("retryAfter").and_then(Value::as_u64);
        return Ok(Err(refusal));
    }
    let number = |key: &str| {
        v.get(key)
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("the answer has no whole \"{key}\""))
    };
    Ok(Ok(Admitted {
        cost_micros: number("costMicros")?,
        day_micros: number("dayMicros")?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ask_and_both_answers_read_back_as_written() {
        let ask = Ask {
            client: "sub:\"alice\"\n".into(),
            cost_micros: 60_000,
        };
        assert_eq!(Ask::from_json(&ask.to_json()), Ok(ask));
        let admitted = Ok(Admitted {
            cost_micros: 60_000,
            day_micros: 120_000,
        });
        assert_eq!(parse_answer(&answer_json(&admitted)), Ok(admitted));
        let mut r = Refusal::new(
            Code::BudgetExhausted,
            "The proxy's daily budget ($0.1) is spent",
        );
        r.retry_after_secs = Some(3600);
        let refused = Err(r);
        assert_eq!(parse_answer(&answer_json(&refused)), Ok(refused));
    }

    #[test]
    fn garbage_is_an_error_not_an_admission() {
        for bad in [
            &b""[..],
            b"{}",
            br#"{"costMicros":1}"#,
            br#"{"refused":{"code":"made_up"}}"#,
        ] {
            assert!(
                parse_answer(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(Ask::from_json(br#"{"client":"a","costMicros":-1}"#).is_err());
    }
}
