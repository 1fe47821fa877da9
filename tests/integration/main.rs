//! One integration-test binary: the real `privaudit` binary against the
//! replica sites, driving the real Chromium.

mod support;

mod check_e2e;
mod cli;
mod demo;
mod profile;
mod rules;
