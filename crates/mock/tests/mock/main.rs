//! The mock, end to end over loopback, one file per provider (and one for
//! the fault scenarios every provider plays), in one test binary: every
//! provider's happy path, its documented errors, every fault scenario, the
//! NDJSON, SSE and WebSocket streams.

mod support;

mod aimlapi;
mod atlascloud;
mod fal;
mod fal21;
mod general;
mod inference_sh;
mod onerouter;
mod pixazo;
mod replicate;
mod replicate21;
mod reve;
mod runware;
mod scenarios;
mod wavespeed;
