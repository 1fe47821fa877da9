//! Which browser reads which platforms, and with which saved session: a
//! pool or the person's own profile reads all; otherwise each platform
//! with a session gets a Chromium on its session's profile, and the rest
//! share one with a fresh profile.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::check::needs_browser;
use super::options::{Browsers, Hooks, RunOptions};
use crate::browser::{LaunchOptions, Source};
use crate::plan::{Plan, PlatformPlan};
use crate::sessions::Session;

/// Which browser reads which platforms: a remote browser or an explicit
/// profile reads all; otherwise each platform with a saved session (or
/// stored credentials) gets a browser on its own session directory, and
/// the rest share one with a fresh profile.
pub(super) fn browser_groups(plan: &Plan, options: &RunOptions) -> anyhow::Result<Vec<(Plan, Source)>> {
    let (executable, headed) = match &options.browsers {
        Browsers::Remote { url } => {
            let remote = Source::Remote {
                url: url.clone(),
                timeout: options.timeout,
                wait: options.browser_wait,
            };
            return Ok(vec![(plan.clone(), remote)]);
        }
        Browsers::Local { executable, headed } => (executable.clone(), *headed),
    };
    let launch = |dir: Option<PathBuf>| {
        Source::Launch(LaunchOptions {
            executable: executable.clone(),
            headed,
            user_data_dir: dir,
            timeout: options.timeout,
            start_wait: options.browser_wait,
            os_keyring: false,
        })
    };
    let subplan = |platforms: Vec<PlatformPlan>| Plan {
        platforms,
        ..Plan::default()
    };
    let sessions = match (&options.sessions, &options.browser_profile) {
        (Some(s), None) => s,
        (_, profile) => return Ok(vec![(plan.clone(), launch(profile.clone()))]),
    };
    let mut groups = Vec::new();
    let mut shared = Vec::new();
    for pp in &plan.platforms {
        let id = &pp.platform.id;
        let session = Session::of(&sessions.root, id);
        if session.exists() || sessions.credentials.contains_key(id) {
            let dir = session.profile_dir()?.to_path_buf();
            groups.push((subplan(vec![pp.clone()]), launch(Some(dir))));
        } else {
            shared.push(pp.clone());
        }
    }
    if !shared.is_empty() {
        groups.insert(0, (subplan(shared), launch(None)));
    }
    Ok(groups)
}

/// The platforms whose session is used and kept: those with a saved
/// session, and those with stored credentials (a sign-in during the run
/// starts one). None without sessions (demo, `rules test`) or with the
/// person's own `--browser-profile`.
pub(super) fn saved_sessions(plan: &Plan, options: &RunOptions, hooks: &dyn Hooks) -> BTreeMap<String, Session> {
    let Some(sessions) = options.sessions.as_ref().filter(|_| options.browser_profile.is_none()) else {
        return BTreeMap::new();
    };
    let remote = matches!(options.browsers, Browsers::Remote { .. });
    let mut out = BTreeMap::new();
    for pp in plan.platforms.iter().filter(|pp| needs_browser_platform(pp)) {
        let id = &pp.platform.id;
        let session = Session::of(&sessions.root, id);
        if !session.exists() && !sessions.credentials.contains_key(id) {
            continue;
        }
        // A pool's browser gets only the portable state: a session saved
        // before privaudit kept one cannot travel, and says so.
        if remote && session.exists() && matches!(session.state(), Ok(None)) {
            hooks.warn(&format!(
                "the saved session of {id} cannot go to --browser-ws: it was saved before sessions were portable; run `privaudit login {id}` (or one local `privaudit check {id}`) to make it so"
            ));
        }
        out.insert(id.clone(), session);
    }
    out
}

/// Whether one platform has a setting read in a browser.
fn needs_browser_platform(pp: &PlatformPlan) -> bool {
    needs_browser(&Plan {
        platforms: vec![pp.clone()],
        ..Plan::default()
    })
}
