//! Accounts: sessions kept per platform, credentials from the OS keyring or
//! from commands, unattended re-login, and everything that must stop it —
//! on the LinkedIn replica's sign-in flow, with the real Chromium.

use crate::support::fakes::ReplicaAccount;

use crate::support::{edit_file, json, require_chromium, Env, Receiver, Replica};

const USER: &str = "reader@example.org";
const PASSWORD: &str = "correct horse battery staple";
/// "12345678901234567890" in base32 (RFC 6238's SHA-1 test secret).
const TOTP: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn account(totp: bool, captcha: bool) -> ReplicaAccount {
    ReplicaAccount {
        username: USER.into(),
        password: PASSWORD.into(),
        totp_secret: totp.then(|| TOTP.to_string()),
        captcha,
    }
}

/// accounts.toml with commands that print the credentials (as `pass` would).
fn write_accounts(env: &Env, password: &str, totp: bool) {
    let mut text = format!("[linkedin]\nusername = \"{USER}\"\npassword_command = \"printf '%s' '{password}'\"\n");
    if totp {
        text.push_str(&format!("totp_command = \"echo {TOTP}\"\n"));
    }
    std::fs::write(env.config.path().join("accounts.toml"), text).expect("write accounts.toml");
}

fn check(env: &Env, replica: &Replica) -> (Option<i32>, serde_json::Value, String) {
    let out = env
        .cmd()
        .args(["--timeout", "10", "check", "linkedin", "--format", "json"])
        .args(replica.base_url_args(&["linkedin"]))
        .output()
        .expect("run privaudit");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        !stdout.contains(PASSWORD) && !stderr.contains(PASSWORD) && !stdout.contains(TOTP) && !stderr.contains(TOTP),
        "a secret reached the output:\n{stdout}\n{stderr}"
    );
    (out.status.code(), json(&out.stdout), stderr)
}

fn ai_setting(report: &serde_json::Value) -> &serde_json::Value {
    crate::support::finding(report, "linkedin.generative-ai-data")
}

#[test]
fn an_expired_session_is_renewed_unattended_with_a_totp_code_and_kept() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(true, false));
    let env = Env::new();
    write_accounts(&env, PASSWORD, true);

    // First run: no session yet; signs in (password, then the code) and reads.
    let (code, report, stderr) = check(&env, &replica);
    assert_eq!(code, Some(1), "{report:#}\n{stderr}");
    assert_eq!(ai_setting(&report)["status"], "drift", "{report:#}");
    assert_eq!(replica.fakes.sign_in_attempts("linkedin"), vec![USER.to_string()]);

    // Second run: the session saved in the data dir is still good: no sign-in.
    let (code, report, _) = check(&env, &replica);
    assert_eq!(code, Some(1));
    assert_eq!(ai_setting(&report)["status"], "drift");
    assert_eq!(
        replica.fakes.sign_in_attempts("linkedin").len(),
        1,
        "signed in again needlessly"
    );

    // The platform expires every session: the next run signs in by itself.
    replica.fakes.expire_sessions("linkedin");
    let (code, report, _) = check(&env, &replica);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(ai_setting(&report)["status"], "drift", "{report:#}");
    assert_eq!(replica.fakes.sign_in_attempts("linkedin").len(), 2);

    use std::os::unix::fs::PermissionsExt;
    let session = env.data.path().join("sessions/linkedin");
    assert_eq!(std::fs::metadata(&session).unwrap().permissions().mode() & 0o777, 0o700);
}

#[test]
fn keyring_credentials_renew_an_expired_session_and_auth_never_prints_secrets() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    let base = replica.base_url_args(&["linkedin"]).join(" ");
    let script = format!(
        "printf '%s\\n' '{PASSWORD}' | privaudit auth set linkedin --username {USER} --stdin && \
         privaudit auth show linkedin && \
         privaudit --timeout 10 check linkedin --format json {base} > report.json; echo \"exit=$?\"; \
         privaudit auth rm linkedin && privaudit auth show linkedin"
    );
    let out = env.in_keyring_session(&format!("cd '{}' && {script}", env.data.path().display()));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(stdout.contains("Stored linkedin credentials"), "{stdout}\n{stderr}");
    assert!(stdout.contains(&format!("username: {USER}")), "{stdout}");
    assert!(stdout.contains("password: stored (not shown)"), "{stdout}");
    assert!(
        !stdout.contains(PASSWORD) && !stderr.contains(PASSWORD),
        "{stdout}\n{stderr}"
    );
    assert!(stdout.contains("exit=1"), "{stdout}\n{stderr}");
    let report = json(&std::fs::read(env.data.path().join("report.json")).unwrap());
    assert_eq!(ai_setting(&report)["status"], "drift", "{report:#}");
    assert_eq!(replica.fakes.sign_in_attempts("linkedin"), vec![USER.to_string()]);
    assert!(stdout.contains("Removed the linkedin credentials"), "{stdout}");
    assert!(stdout.contains("No credentials for linkedin"), "{stdout}");
}

/// cron has no D-Bus session: credentials stored in the desktop keyring are
/// out of reach there, and a quiet nightly run must say so and what to do.
#[test]
fn a_run_without_the_keyring_says_the_stored_credentials_are_out_of_reach() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    let out = env.in_keyring_session(&format!(
        "printf '%s\\n' '{PASSWORD}' | privaudit auth set linkedin --username {USER} --stdin"
    ));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = env
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .args(["--timeout", "10", "check", "linkedin", "-q"])
        .args(replica.base_url_args(&["linkedin"]))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("linkedin: stored credentials not available") && stderr.contains("password_command"),
        "{stderr}"
    );
    assert!(!stderr.contains(PASSWORD));
}

#[test]
fn auth_without_a_keyring_says_how_to_get_one() {
    let env = Env::new();
    let out = env
        .cmd()
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .args(["auth", "set", "linkedin", "--username", USER, "--stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("keyring") && stderr.contains("password_command"),
        "{stderr}"
    );
    assert!(!stderr.contains(PASSWORD), "{stderr}");
}

#[test]
fn a_captcha_stops_the_sign_in_with_the_next_step_and_no_retry() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, true));
    let env = Env::new();
    write_accounts(&env, PASSWORD, false);
    let (code, report, _) = check(&env, &replica);
    assert_eq!(code, Some(3), "{report:#}");
    let f = ai_setting(&report);
    assert_eq!(f["status"], "login-required");
    let message = f["message"].as_str().unwrap();
    assert!(message.contains("human check"), "{message}");
    assert!(message.contains("privaudit login linkedin"), "{message}");
    assert_eq!(
        replica.fakes.sign_in_attempts("linkedin").len(),
        1,
        "it tried more than once"
    );
}

#[test]
fn a_wrong_password_is_login_required_with_the_pages_message_and_no_secret() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    write_accounts(&env, "not-the-password", false);
    let (code, report, _) = check(&env, &replica);
    assert_eq!(code, Some(3));
    let message = ai_setting(&report)["message"].as_str().unwrap().to_string();
    assert!(message.contains("Wrong email or password"), "{message}");
    assert!(
        !message.contains("not-the-password") && !message.contains(USER),
        "{message}"
    );
    assert_eq!(replica.fakes.sign_in_attempts("linkedin").len(), 1);
}

#[test]
fn an_unexpected_code_step_without_a_totp_secret_is_login_required() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(true, false));
    let env = Env::new();
    write_accounts(&env, PASSWORD, false);
    let (code, report, _) = check(&env, &replica);
    assert_eq!(code, Some(3));
    let message = ai_setting(&report)["message"].as_str().unwrap().to_string();
    assert!(message.contains("two-step verification code"), "{message}");
}

#[test]
fn a_sign_in_form_that_posts_elsewhere_never_receives_the_credentials() {
    require_chromium();
    let thief = Receiver::start();
    let replica = Replica::start_modified(|root| {
        edit_file(
            &root.join("linkedin/login.html"),
            "action=\"/__replica/linkedin/login\"",
            &format!("action=\"{}\"", thief.url),
        );
    });
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    write_accounts(&env, PASSWORD, false);
    let (code, report, _) = check(&env, &replica);
    assert_eq!(code, Some(3));
    let message = ai_setting(&report)["message"].as_str().unwrap().to_string();
    assert!(message.contains("would send the credentials to"), "{message}");
    assert!(thief.bodies().is_empty(), "the other origin got: {:?}", thief.bodies());
    assert!(replica.fakes.sign_in_attempts("linkedin").is_empty());
}

#[test]
fn a_sign_in_page_on_another_origin_is_never_typed_into() {
    require_chromium();
    let thief = Receiver::start();
    let replica = Replica::start_modified(|root| {
        std::fs::write(root.join("linkedin/login.redirect"), &thief.url).unwrap();
    });
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    write_accounts(&env, PASSWORD, false);
    // The expired session's redirect to the sign-in page leads off the
    // platform's origin: the navigation guard stops it before the request.
    let (code, report, _) = check(&env, &replica);
    assert_eq!(code, Some(3), "{report:#}");
    let f = ai_setting(&report);
    assert_eq!(f["status"], "error", "{report:#}");
    assert!(f["message"].as_str().unwrap().contains("blocked"), "{report:#}");
    assert!(thief.bodies().is_empty(), "the other origin got: {:?}", thief.bodies());
    assert!(replica.fakes.sign_in_attempts("linkedin").is_empty());
}

#[test]
fn login_with_a_cookie_export_saves_a_session_that_check_uses() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    let token = replica.fakes.issue_session("linkedin");
    let cookies = env.data.path().join("cookies.txt");
    std::fs::write(
        &cookies,
        format!(
            "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\treplica_session_linkedin\t{token}\n.evil.example\tTRUE\t/\tTRUE\t0\tstolen\tnope\n"
        ),
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["login", "linkedin", "--cookies"])
        .arg(&cookies)
        .args(replica.base_url_args(&["linkedin"]))
        .assert()
        .code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.contains("Signed in to LinkedIn"), "{stdout}");
    assert!(!stdout.contains(&token), "{stdout}");
    // check (with no credentials at all) reads through the saved session.
    let (code, report, _) = check(&env, &replica);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(ai_setting(&report)["status"], "drift");
    assert!(replica.fakes.sign_in_attempts("linkedin").is_empty());
}

#[test]
fn login_with_stale_cookies_says_so() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    let cookies = env.data.path().join("cookies.json");
    std::fs::write(
        &cookies,
        r#"[{"name":"replica_session_linkedin","value":"expired","domain":"127.0.0.1","path":"/"}]"#,
    )
    .unwrap();
    env.cmd()
        .args(["login", "linkedin", "--cookies"])
        .arg(&cookies)
        .args(replica.base_url_args(&["linkedin"]))
        .assert()
        .code(3)
        .stderr(predicates::str::contains("not signed in to LinkedIn"));
    // A login that proved nothing leaves no session behind.
    assert!(!env.data.path().join("sessions/linkedin").exists());
    env.cmd()
        .args(["sessions"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("No saved session"));
}

#[test]
fn login_with_cookies_never_says_signed_in_when_no_page_could_be_read() {
    require_chromium();
    let env = Env::new();
    // A port that was just free: nothing answers there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let cookies = env.data.path().join("cookies.txt");
    std::fs::write(
        &cookies,
        "127.0.0.1\tFALSE\t/\tFALSE\t0\treplica_session_linkedin\tanything\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["--timeout", "5", "login", "linkedin", "--cookies"])
        .arg(&cookies)
        .args(["--base-url", &format!("linkedin=http://127.0.0.1:{port}")])
        .output()
        .expect("run privaudit");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{stderr}");
    assert!(!stdout.contains("Signed in"), "{stdout}");
    assert!(stderr.contains("not confirmed"), "{stderr}");
}

#[test]
fn credentials_are_refused_for_a_platform_whose_rule_cannot_type_them() {
    let env = Env::new();
    // Microsoft's rule knows where its sign-in page is, not how its form
    // works (the form is on login.live.com, another host).
    let out = env
        .cmd()
        .args(["auth", "set", "microsoft", "--username", USER, "--stdin"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("do not describe its sign-in form"), "{stderr}");
    assert!(stderr.contains("privaudit login microsoft"), "{stderr}");
    assert!(!stderr.contains("auth set"), "the hint must not loop back: {stderr}");
    env.cmd()
        .args(["auth", "show", "microsoft"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("none are needed"));
}

#[test]
fn a_signed_out_platform_without_a_sign_in_form_is_not_sent_to_auth_set() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("microsoft", account(false, false));
    let env = Env::new();
    let out = env
        .cmd()
        .args(["--timeout", "10", "check", "microsoft", "--format", "json"])
        .args(replica.base_url_args(&["microsoft"]))
        .output()
        .expect("run privaudit");
    let report = json(&out.stdout);
    let messages: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "login-required")
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(!messages.is_empty(), "{report:#}");
    for m in messages {
        assert!(
            m.contains("privaudit login microsoft") && !m.contains("auth set"),
            "{m}"
        );
    }
}

/// A Firefox profile directory whose `cookies.sqlite` (Firefox's schema)
/// holds `(host, name, value, expiry)` cookies.
fn firefox_profile(cookies: &[(&str, &str, &str, i64)]) -> tempfile::TempDir {
    let profile = tempfile::tempdir().expect("temp dir");
    let db = rusqlite::Connection::open(profile.path().join("cookies.sqlite")).expect("cookies.sqlite");
    db.execute_batch(
        "CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, rawSameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, isPartitionedAttributeSet INTEGER DEFAULT 0);",
    )
    .expect("moz_cookies");
    for (host, name, value, expiry) in cookies {
        db.execute(
            "INSERT INTO moz_cookies (name, value, host, path, expiry, lastAccessed, creationTime, isSecure, isHttpOnly) VALUES (?1, ?2, ?3, '/', ?4, 0, 0, 0, 1)",
            rusqlite::params![name, value, host, expiry],
        )
        .expect("insert a cookie");
    }
    profile
}

/// A Firefox profile holding a valid LinkedIn replica session, as a person
/// signed in there would have.
fn linkedin_session_in_firefox(replica: &Replica) -> tempfile::TempDir {
    let token = replica.fakes.issue_session("linkedin");
    firefox_profile(&[(
        "127.0.0.1",
        "replica_session_linkedin",
        token.as_str(),
        a_month_from_now(),
    )])
}

/// Seconds since the epoch, thirty days from now: a live cookie's expiry.
fn a_month_from_now() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs();
    (now + 30 * 86_400) as i64
}

/// `login --all`: every platform of the profile in turn, from the person's
/// browser here; the one without cookies there is reported, not fatal.
#[test]
fn login_all_signs_in_to_each_platform_of_the_profile() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, false));
    replica.fakes.require_login("x", account(false, false));
    let env = Env::new();
    env.write_profile("platforms = [\"linkedin\", \"x\"]\n");
    let profile = linkedin_session_in_firefox(&replica);
    let out = env
        .cmd()
        .args(["login", "--all", "--cookies-from-browser"])
        .arg(format!("firefox:{}", profile.path().display()))
        .args(replica.base_url_args(&["linkedin", "x"]))
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let row = |id: &str| {
        stdout
            .lines()
            .find(|l| l.contains(&format!(" {id} ")))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        row("linkedin").contains("signed in") && !row("linkedin").contains("not signed in"),
        "{stdout}"
    );
    // The replicas share a host, so the browser's cookie reaches X's session
    // too; X's server does not accept it, and the row says so.
    assert!(row("x").contains("not signed in"), "{stdout}");
    // As JSON: one result per platform, failures included.
    let out = env
        .cmd()
        .args(["login", "--all", "--format", "json", "--cookies-from-browser"])
        .arg(format!("firefox:{}", profile.path().display()))
        .args(replica.base_url_args(&["linkedin", "x"]))
        .output()
        .unwrap();
    let all = json(&out.stdout);
    assert_eq!(all["schema_version"], 1, "{all:#}");
    let results = all["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{all:#}");
    assert!(results
        .iter()
        .any(|r| r["platform"] == "x" && r["signed_in"] == false && r["reason"].is_string()));
}

/// `setup`: a fresh machine to a verified session in one command, from the
/// person's browser; then `check` reads through it with the profile setup
/// wrote. Without a display or a browser to take sessions from, it says
/// what to do instead.
#[test]
fn setup_writes_the_profile_signs_in_and_says_what_next() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    env.cmd()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .args(["setup", "linkedin"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--cookies-from-browser"));
    let profile = linkedin_session_in_firefox(&replica);
    let out = env
        .cmd()
        .args(["setup", "linkedin", "--cookies-from-browser"])
        .arg(format!("firefox:{}", profile.path().display()))
        .args(replica.base_url_args(&["linkedin"]))
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for step in [
        "1. Profile: wrote",
        "2. Platforms:",
        "3. Sign-in: 1 platform",
        "4. Next:",
    ] {
        assert!(stdout.contains(step), "{step}: {stdout}");
    }
    let written = std::fs::read_to_string(env.config.path().join("profile.toml")).unwrap();
    assert!(written.contains("platforms = [\"linkedin\"]"), "{written}");
    // The profile and the session work together: check needs no arguments.
    let out = env
        .cmd()
        .args(["check", "--format", "json"])
        .args(replica.base_url_args(&["linkedin"]))
        .output()
        .unwrap();
    let report = json(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(ai_setting(&report)["status"], "drift");
    assert_eq!(report["summary"]["platforms"], 1);
}

/// A real Chromium profile, made here by a real Chromium that was given the
/// replica's session cookie and another site's: `--cookies-from-browser`
/// reads it from a copy (Chromium decrypts its own store), keeps only the
/// platform's cookie, and the saved session reads signed in.
#[test]
fn login_takes_the_session_from_a_chromium_profile_and_nothing_else() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    let token = replica.fakes.issue_session("linkedin");
    let own = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use privaudit::browser::{Allowed, Browser, Cookie, LaunchOptions, Source};
        let browser = Browser::open(&Source::Launch(LaunchOptions {
            executable: privaudit::browser::find::find_browser(None).unwrap(),
            headed: false,
            user_data_dir: Some(own.path().to_path_buf()),
            timeout: std::time::Duration::from_secs(30),
            start_wait: std::time::Duration::from_secs(30),
            os_keyring: false,
        }))
        .await
        .unwrap();
        // Cookies only: the tab navigates nowhere.
        let nowhere = Allowed {
            domains: Vec::new(),
            extra_origin: None,
            blocked_types: Vec::new(),
        };
        let tab = browser.open_tab(nowhere).await.unwrap();
        let cookie = |domain: &str, name: &str, value: &str| Cookie {
            name: name.into(),
            value: privaudit::secrets::Secret::from(value),
            domain: domain.into(),
            path: "/".into(),
            secure: false,
            http_only: true,
            expires: None,
        };
        tab.set_cookies(&[
            cookie("127.0.0.1", "replica_session_linkedin", &token),
            cookie(".elsewhere.example", "other_site", "not-linkedins"),
        ])
        .await
        .unwrap();
        tab.close().await;
        browser.shutdown().await;
    });
    let out = env
        .cmd()
        .args(["login", "linkedin", "--cookies-from-browser"])
        .arg(format!("chromium:{}", own.path().display()))
        .args(replica.base_url_args(&["linkedin"]))
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("Signed in to LinkedIn"), "{stdout}");
    assert!(stderr.contains("took 1 cookie of LinkedIn"), "{stderr}");
    assert!(!stdout.contains(&token) && !stderr.contains(&token));
    let (code, report, _) = check(&env, &replica);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(ai_setting(&report)["status"], "drift");
}

/// Firefox keeps cookies in plain SQLite: a profile's `cookies.sqlite` in
/// Firefox's own schema, read from a copy, the platform's cookie only.
#[test]
fn login_takes_the_session_from_a_firefox_profile() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    let token = replica.fakes.issue_session("linkedin");
    let in_a_month = a_month_from_now();
    let profile = firefox_profile(&[
        (
            "127.0.0.1",
            "replica_session_linkedin",
            token.as_str(),
            in_a_month * 1000,
        ),
        (".elsewhere.example", "other_site", "x", in_a_month),
    ]);
    env.cmd()
        .args(["login", "linkedin", "--cookies-from-browser"])
        .arg(format!("firefox:{}", profile.path().display()))
        .args(replica.base_url_args(&["linkedin"]))
        .assert()
        .code(0)
        .stdout(predicates::str::contains("Signed in to LinkedIn"))
        .stderr(predicates::str::contains("took 1 cookie of LinkedIn"));
}

#[test]
fn login_with_only_foreign_cookies_is_refused() {
    let env = Env::new();
    let cookies = env.data.path().join("cookies.txt");
    std::fs::write(&cookies, ".evil.example\tTRUE\t/\tTRUE\t0\tstolen\tnope\n").unwrap();
    env.cmd()
        .args(["login", "linkedin", "--cookies"])
        .arg(&cookies)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("has no cookies for www.linkedin.com"));
}

#[test]
fn headless_login_uses_stored_credentials_or_explains_what_is_missing() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(true, false));
    let env = Env::new();
    env.cmd()
        .args(["login", "linkedin", "--headless"])
        .args(replica.base_url_args(&["linkedin"]))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--cookies"));
    write_accounts(&env, PASSWORD, true);
    env.cmd()
        .args(["--timeout", "10", "login", "linkedin", "--headless"])
        .args(replica.base_url_args(&["linkedin"]))
        .assert()
        .code(0)
        .stdout(predicates::str::contains("Signed in to LinkedIn"));
    assert_eq!(replica.fakes.sign_in_attempts("linkedin").len(), 1);
}

#[test]
fn verbose_logs_never_carry_the_password() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    write_accounts(&env, PASSWORD, false);
    let out = env
        .cmd()
        .env("PRIVAUDIT_LOG", "trace")
        .args(["-vv", "--timeout", "10", "check", "linkedin"])
        .args(replica.base_url_args(&["linkedin"]))
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(!all.contains(PASSWORD), "the password reached the log");
}

/// `privaudit login` in a real window (under Xvfb): the test plays the
/// person, typing into the window's sign-in form through Chromium's own
/// DevTools port, and privaudit must notice, verify and report.
#[test]
fn login_in_a_window_waits_for_the_person_to_sign_in() {
    require_chromium();
    let replica = Replica::start();
    replica.fakes.require_login("linkedin", account(false, false));
    let env = Env::new();
    let bin = assert_cmd::cargo::cargo_bin("privaudit");
    let mut login = std::process::Command::new("xvfb-run");
    login
        .args(["-a", "--"])
        .arg(&bin)
        .args(["login", "linkedin", "--wait", "60"])
        .args(replica.base_url_args(&["linkedin"]))
        .env("PRIVAUDIT_CONFIG", env.config.path())
        .env("PRIVAUDIT_DATA_DIR", env.data.path())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = login.spawn().expect("xvfb-run (apt-get install xvfb xauth)");

    // Chromium writes its DevTools port into the session directory.
    let port_file = env.data.path().join("sessions/linkedin/DevToolsActivePort");
    let started = std::time::Instant::now();
    let port = loop {
        if let Some(port) = std::fs::read_to_string(&port_file)
            .ok()
            .and_then(|t| t.lines().next().map(str::to_string))
            .filter(|p| !p.is_empty())
        {
            break port;
        }
        assert!(started.elapsed().as_secs() < 30, "the login window never opened");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        use futures::StreamExt;
        let (browser, mut handler) = chromiumoxide::Browser::connect(format!("http://127.0.0.1:{port}"))
            .await
            .expect("connect to the login window");
        tokio::spawn(async move { while handler.next().await.is_some() {} });
        // Wait for the sign-in page in the window, then sign in as a person would.
        let page = loop {
            let mut found = None;
            for p in browser.pages().await.unwrap_or_default() {
                if p.url()
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|u| u.contains("/linkedin/login"))
                {
                    found = Some(p);
                }
            }
            if let Some(p) = found {
                if p.find_element("#username").await.is_ok() {
                    break p;
                }
            }
            assert!(started.elapsed().as_secs() < 45, "the sign-in page never showed");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        };
        // As a person types: the page may still be settling (a node found
        // a moment ago can be replaced), so filling starts afresh on a
        // fresh page; the form is sent once, when both fields are filled.
        let fill = || async {
            page.find_element("#username")
                .await?
                .click()
                .await?
                .type_str(USER)
                .await?;
            page.find_element("#password")
                .await?
                .click()
                .await?
                .type_str(PASSWORD)
                .await?;
            Ok::<(), chromiumoxide::error::CdpError>(())
        };
        let mut attempts = 0;
        while let Err(e) = fill().await {
            attempts += 1;
            assert!(attempts < 20, "could not fill the sign-in form in the window: {e}");
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            let _ = page.reload().await;
        }
        // The click starts a navigation: an error from the node going away
        // after it is not a failure.
        let submit = page.find_element("form button[type=submit]").await.unwrap();
        let _ = submit.click().await;
    });
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Sign in to LinkedIn in the window"), "{stdout}");
    assert!(stdout.contains("Signed in to LinkedIn"), "{stdout}");
    // The session outlives the window: check reads through it.
    let (code, report, _) = check(&env, &replica);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(ai_setting(&report)["status"], "drift");
    assert_eq!(replica.fakes.sign_in_attempts("linkedin"), vec![USER.to_string()]);
}
