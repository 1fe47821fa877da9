//! One integration-test binary: the real `privaudit` binary against the
//! replica sites, driving the real Chromium.

mod support;

mod accounts_e2e;
mod apply_e2e;
mod bad_inputs;
mod browserless_e2e;
mod check_e2e;
mod cli;
mod conformance_e2e;
mod defaults;
mod demo;
mod docs;
mod doctor_cli;
mod evidence_e2e;
mod examples;
mod external_commands;
mod fidelity_e2e;
mod field;
mod fuzz;
mod history_cli;
mod journalist_e2e;
mod profile;
mod realapps_e2e;
mod remote_e2e;
mod revert_e2e;
mod rules;
mod schemas;
mod structure;
mod watch_e2e;
mod zoo_e2e;
