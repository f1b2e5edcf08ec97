//! What a day may cost, and who may spend it: the owner's `--daily-budget`
//! (US dollars a UTC day, estimated from the price table at each job
//! submission) and `--client-daily` (submissions per client a UTC day).
//!
//! Pure: [`Ledger::admit`] takes the time and the client; the native server
//! keeps one ledger behind a mutex (and in `--state FILE`), the Worker in
//! one Durable Object, asked in the words of [`wire`]. A refusal says when
//! the day resets. Status reads,
//! results and cancels never come here: nothing already paid for is
//! stranded.

use std::collections::BTreeMap;

use reve_remix_core::id::{ModelId, ProviderId};
use reve_remix_core::json::{self, JsonWriter, Value};
use reve_remix_core::provider;

use crate::refusal::{Code, Refusal};

mod day;
pub mod wire;

pub use day::{date, seconds_to_midnight, utc_day};

/// Where the owner reads the day's spend (with the token secret as bearer).
pub const USAGE_PATH: &str = "/_remix/usage";

/// The client a request counts for, before a token's subject overrides
/// it: `peer` (the address the server saw), or with `trust_forwarded`
/// `CF-Connecting-IP` or the first `X-Forwarded-For` entry, which anyone
/// can write, so only behind a CDN that sets them.
pub fn client_of(
    peer: &str,
    cf_connecting_ip: Option<&str>,
    x_forwarded_for: Option<&str>,
    trust_forwarded: bool,
) -> String {
    let forwarded = trust_forwarded
        .then(|| {
            cf_connecting_ip
                .or_else(|| x_forwarded_for.and_then(|f| f.split(',').next()))
                .map(str::trim)
                .filter(|c| !c.is_empty() && c.len() <= 64)
        })
        .flatten();
    forwarded.unwrap_or(peer).to_string()
}

/// The limits the owner set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// The most a UTC day's submissions may cost, in millionths of a dollar.
    pub budget_micros: Option<u64>,
    /// The most submissions one client may make in a UTC day.
    pub client_daily: Option<u32>,
}

impl Limits {
    /// True when there is anything to count.
    pub fn any(&self) -> bool {
        self.budget_micros.is_some() || self.client_daily.is_some()
    }
}

/// What one submission is estimated to cost, in millionths of a dollar: the
/// model's list price, or, where none is published, the most expensive
/// priced model of the table (so an unpriced host cannot drain a budget).
pub fn cost_micros(provider: ProviderId, model: ModelId) -> u64 {
    let usd = provider::price_of(provider, model)
        .unwrap_or_else(provider::dearest)
        .usd;
    (usd * 1_000_000.0).round() as u64
}

/// A day's spend and submissions per client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    /// The UTC day (days since 1970-01-01) the figures are for.
    pub day: u64,
    /// Spent so far that day, in millionths of a dollar.
    pub spent_micros: u64,
    /// Submissions so far that day, per client (an address or a token's subject).
    pub clients: BTreeMap<String, u32>,
}

/// A submission let through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Admitted {
    /// Its estimated cost.
    pub cost_micros: u64,
    /// The day's total with it.
    pub day_micros: u64,
}

impl Ledger {
    /// Let a submission costing `cost` by `client` through at `now` (Unix
    /// seconds), or say why not. A new UTC day starts from nothing.
    pub fn admit(
        &mut self,
        now: u64,
        client: &str,
        cost: u64,
        limits: &Limits,
    ) -> Result<Admitted, Refusal> {
        let today = utc_day(now);
        if today != self.day {
            *self = Self {
                day: today,
                ..Self::default()
            };
        }
        let wait = seconds_to_midnight(now);
        if let Some(budget) = limits.budget_micros
            && self.spent_micros.saturating_add(cost) > budget
        {
            let mut r = Refusal::new(
                Code::BudgetExhausted,
                [
                    "The proxy's daily budget (",
                    &usd(budget),
                    ") is spent; it resets in ",
                    &duration(wait),
                    ", at midnight UTC. Try again then.",
                ]
                .concat(),
            );
            r.retry_after_secs = Some(wait);
            return Err(r);
        }
        if let Some(quota) = limits.client_daily {
            let used = self.clients.get(client).copied().unwrap_or(0);
            if used >= quota {
                let mut r = Refusal::new(
                    Code::ClientQuotaExhausted,
                    [
                        "This client has made its ",
                        &quota.to_string(),
                        " remixes for today through this proxy; more are possible in ",
                        &duration(wait),
                        ", at midnight UTC.",
                    ]
                    .concat(),
                );
                r.retry_after_secs = Some(wait);
                return Err(r);
            }
        }
        self.spent_micros = self.spent_micros.saturating_add(cost);
        *self.clients.entry(client.to_string()).or_insert(0) += 1;
        Ok(Admitted {
            cost_micros: cost,
            day_micros: self.spent_micros,
        })
    }

    /// The ledger as `--state` keeps it: `{"day": N, "spentMicros": N,
    /// "clients": {"<client>": N}}`.
    pub fn to_json(&self) -> Vec<u8> {
        let mut w = JsonWriter::new();
        w.begin_object();
        w.key("day").uint(self.day);
        w.key("spentMicros").uint(self.spent_micros);
        w.key("clients").begin_object();
        for (client, n) in &self.clients {
            w.key(client).uint(u64::from(*n));
        }
        w.end_object().end_object();
        w.finish()
    }

    /// A ledger [`to_json`](Self::to_json) wrote; `Err` says what is wrong.
    pub fn from_json(text: &[u8]) -> Result<Self, String> {
        let v = json::parse(text).map_err(|_| "it is not JSON".to_string())?;
        let number = |v: Option<&Value>, what: &str| {
            v.and_then(Value::as_u64)
                .ok_or_else(|| format!("\"{what}\" is not a whole number"))
        };
        let day = number(v.get("day"), "day")?;
        let spent_micros = number(v.get("spentMicros"), "spentMicros")?;
        let mut clients = BTreeMap::new();
        match v.get("clients") {
            Some(Value::Object(entries)) => {
                for (client, n) in entries {
                    let n = number(Some(n), "clients")?;
                    clients.insert(client.clone(), u32::try_from(n).unwrap_or(u32::MAX));
                }
            }
            _ => return Err("\"clients\" is not an object".into()),
        }
        Ok(Self {
            day,
            spent_micros,
            clients,
        })
    }

    /// What `GET /_remix/usage` answers: the day, its spend, the budget
    /// and the ten clients that submitted most.
    pub fn usage_json(&self, now: u64, limits: &Limits) -> Vec<u8> {
        let today = utc_day(now);
        let (spent, clients) = if today == self.day {
            (self.spent_micros, self.clients.clone())
        } else {
            (0, BTreeMap::new())
        };
        let mut top: Vec<(&String, &u32)> = clients.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut w = JsonWriter::new();
        w.begin_object();
        w.key("day").string(&date(today));
        w.key("spentUsd").fixed(spent, 6);
        match limits.budget_micros {
            Some(b) => w.key("budgetUsd").fixed(b, 6),
            None => w.key("budgetUsd").null(),
        };
        w.key("submissions")
            .uint(clients.values().map(|n| u64::from(*n)).sum());
        w.key("resetsInSeconds").uint(seconds_to_midnight(now));
        w.key("topClients").begin_array();
        for (client, n) in top.into_iter().take(10) {
            w.begin_object()
                .key("client")
                .string(client)
                .key("submissions")
                .uint(u64::from(*n))
                .end_object();
        }
        w.end_array().end_object();
        w.finish()
    }
}

/// `$0.06`, `$1.5`, `$0.01001`: millionths of a dollar, for messages.
pub fn usd(micros: u64) -> String {
    let mut w = JsonWriter::new();
    w.fixed(micros, 6);
    ["$", &String::from_utf8_lossy(&w.finish())].concat()
}

/// `5 h 12 min`, `12 min`, `40 s`.
fn duration(secs: u64) -> String {
    let (h, m) = (secs / 3600, secs % 3600 / 60);
    match (h, m) {
        (0, 0) => format!("{secs} s"),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests;
