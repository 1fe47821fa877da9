//! The replica server: serves `tests/replicas/<platform>/` on loopback so rules
//! can be run without accounts, by `privaudit demo` and by the tests. The
//! replicas are built into the binary; tests may serve a directory instead.
//!
//! Paths map to files as `/<platform>/<page>` → `<platform>/<page>.html`
//! (or `<page>/index.html`, or the file itself for CSS/JS). Two fixture files
//! let tests reproduce failures: `<page>.status` (an HTTP status to answer
//! with) and `<page>.redirect` (a URL to redirect to). `<platform>/replica.toml`
//! describes the replica's behaviour (where a signed-out session goes).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use include_dir::{include_dir, Dir};

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/tests/replicas");

#[derive(Debug, Clone)]
pub enum Source {
    Embedded,
    Directory(PathBuf),
}

impl Source {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        if path.split('/').any(|part| part == ".." || part.starts_with('.')) {
            return None;
        }
        match self {
            Source::Embedded => EMBEDDED.get_file(path).map(|f| f.contents().to_vec()),
            Source::Directory(root) => std::fs::read(root.join(path)).ok(),
        }
    }

    /// The replica's `replica.toml`, or the defaults when it has none.
    fn manifest(&self, platform: &str) -> Manifest {
        self.read(&format!("{platform}/replica.toml"))
            .and_then(|bytes| toml::from_str::<Manifest>(&String::from_utf8_lossy(&bytes)).ok())
            .unwrap_or_default()
    }

    /// The platforms this source has replicas for.
    pub fn platforms(&self) -> Vec<String> {
        let mut names: Vec<String> = match self {
            Source::Embedded => EMBEDDED
                .dirs()
                .filter_map(|d| d.path().to_str().map(str::to_string))
                .collect(),
            Source::Directory(root) => std::fs::read_dir(root)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .filter(|e| e.path().is_dir())
                        .filter_map(|e| e.file_name().to_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        };
        names.sort();
        names
    }
}

/// `<platform>/replica.toml`: how the replica behaves.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// Where a signed-out session is sent (default `/login`).
    login_path: Option<String>,
    /// Settings the server keeps, with the platform's defaults. Pages show
    /// them through `{{checked:KEY}}`, `{{aria-checked:KEY}}` and
    /// `{{value:KEY}}`, and change them with `POST /__replica/<platform>/state/<KEY>`.
    #[serde(default)]
    state: BTreeMap<String, String>,
    /// Settings whose changes the server refuses with HTTP 500, as a
    /// platform sometimes does.
    #[serde(default)]
    refuse: Vec<String>,
    /// Settings whose changes the server accepts (HTTP 204) but silently
    /// drops: only a fresh read can tell.
    #[serde(default)]
    drop: Vec<String>,
}

impl Manifest {
    fn login_path(&self) -> String {
        self.login_path.clone().unwrap_or_else(|| "/login".to_string())
    }
}

/// Per-platform state kept server-side for the life of the server, so a
/// change survives a reload exactly as it would on the real site.
#[derive(Debug, Default)]
pub struct ReplicaState {
    signed_out: BTreeMap<String, bool>,
    /// Every path requested, in order, so tests can see what a browser fetched.
    requests: Vec<String>,
    /// Platforms whose initial values were loaded from their manifest.
    loaded: std::collections::BTreeSet<String>,
    values: BTreeMap<(String, String), String>,
    /// Platforms whose pages need a signed-in session cookie (see
    /// [`ReplicaServer::require_login`]); others are always signed in.
    accounts: BTreeMap<String, ReplicaAccount>,
    /// Valid session tokens, per platform.
    sessions: std::collections::BTreeSet<(String, String)>,
    /// Tokens that passed the password step and owe a one-time code.
    pending: std::collections::BTreeSet<(String, String)>,
    /// Every sign-in attempt: the username posted (never the password).
    attempts: Vec<(String, String)>,
}

/// The one account a replica accepts, and how its sign-in behaves.
#[derive(Debug, Clone, Default)]
pub struct ReplicaAccount {
    pub username: String,
    pub password: String,
    /// Base32 TOTP secret: when set, a code is asked after the password.
    pub totp_secret: Option<String>,
    /// Every sign-in attempt ends on a human check (a captcha page).
    pub captcha: bool,
}

impl ReplicaState {
    fn ensure_loaded(&mut self, platform: &str, source: &Source) {
        if self.loaded.insert(platform.to_string()) {
            for (key, value) in source.manifest(platform).state {
                self.values.entry((platform.to_string(), key)).or_insert(value);
            }
        }
    }
}

#[derive(Clone)]
struct App {
    source: Source,
    state: Arc<Mutex<ReplicaState>>,
}

pub struct ReplicaServer {
    pub addr: SocketAddr,
    state: Arc<Mutex<ReplicaState>>,
    source: Source,
    task: tokio::task::JoinHandle<()>,
}

impl ReplicaServer {
    /// Binds `addr` (port 0 picks a free port) and serves in the background
    /// of the current tokio runtime.
    pub async fn start(source: Source, addr: SocketAddr) -> anyhow::Result<ReplicaServer> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} for the replica server"))?;
        let addr = listener.local_addr().context("replica server has no address")?;
        let state = Arc::new(Mutex::new(ReplicaState::default()));
        let app = App {
            source: source.clone(),
            state: state.clone(),
        };
        let router = Router::new()
            .route("/__replica/{platform}/state/{key}", axum::routing::post(change))
            .route("/__replica/{platform}/login", axum::routing::post(sign_in))
            .route("/__replica/{platform}/verify", axum::routing::post(verify))
            .route("/{*path}", get(serve))
            .with_state(app);
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!("replica server stopped: {e}");
            }
        });
        Ok(ReplicaServer {
            addr,
            state,
            source,
            task,
        })
    }

    /// The base URL that stands in for `platform`'s real one.
    pub fn base_url(&self, platform: &str) -> String {
        format!("http://{}/{platform}", self.addr)
    }

    pub fn platforms(&self) -> Vec<String> {
        self.source.platforms()
    }

    /// Signs the replica's session out (or back in): settings pages then
    /// redirect to the platform's sign-in page, as an expired session does.
    pub fn set_signed_in(&self, platform: &str, signed_in: bool) {
        if let Ok(mut s) = self.state.lock() {
            s.signed_out.insert(platform.to_string(), !signed_in);
        }
    }

    /// Every path requested so far.
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().map(|s| s.requests.clone()).unwrap_or_default()
    }

    /// A setting's current server-side value, as a page would show it.
    pub fn state(&self, platform: &str, key: &str) -> Option<String> {
        let mut s = self.state.lock().ok()?;
        s.ensure_loaded(platform, &self.source);
        s.values.get(&(platform.to_string(), key.to_string())).cloned()
    }

    /// Sets a setting server-side, as a platform's policy update would.
    pub fn set_state(&self, platform: &str, key: &str, value: &str) {
        if let Ok(mut s) = self.state.lock() {
            s.ensure_loaded(platform, &self.source);
            s.values
                .insert((platform.to_string(), key.to_string()), value.to_string());
        }
    }

    /// From now on `platform`'s pages need a session cookie, obtained by
    /// signing in as `account` on the replica's sign-in page.
    pub fn require_login(&self, platform: &str, account: ReplicaAccount) {
        if let Ok(mut s) = self.state.lock() {
            s.accounts.insert(platform.to_string(), account);
        }
    }

    /// Ends every session of `platform`, as a platform expiring sessions does.
    pub fn expire_sessions(&self, platform: &str) {
        if let Ok(mut s) = self.state.lock() {
            s.sessions.retain(|(p, _)| p != platform);
            s.pending.retain(|(p, _)| p != platform);
        }
    }

    /// A valid session token for `platform`, as a browser that signed in
    /// would hold in the cookie `replica_session_<platform>`.
    pub fn issue_session(&self, platform: &str) -> String {
        let token = new_token();
        if let Ok(mut s) = self.state.lock() {
            s.sessions.insert((platform.to_string(), token.clone()));
        }
        token
    }

    /// The usernames posted to `platform`'s sign-in form, in order.
    pub fn sign_in_attempts(&self, platform: &str) -> Vec<String> {
        self.state
            .lock()
            .map(|s| {
                s.attempts
                    .iter()
                    .filter(|(p, _)| p == platform)
                    .map(|(_, u)| u.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

async fn serve(State(app): State<App>, Path(path): Path<String>, headers: axum::http::HeaderMap) -> Response {
    if let Ok(mut state) = app.state.lock() {
        state.requests.push(format!("/{path}"));
    }
    let path = path.trim_end_matches('/');
    let (platform, page) = path.split_once('/').unwrap_or((path, ""));
    let signed_out = app
        .state
        .lock()
        .map(|s| s.signed_out.get(platform).copied().unwrap_or(false))
        .unwrap_or(false);
    let needs_session = app
        .state
        .lock()
        .map(|s| s.accounts.contains_key(platform))
        .unwrap_or(false);
    if needs_session && !is_asset(page) && !has_session(&app, platform, &headers) {
        let login = app.source.manifest(platform).login_path();
        let public = format!("/{page}") == login || format!("/{page}").starts_with(&format!("{login}/"));
        if !public && !page.starts_with("checkpoint/") {
            return redirect(&format!("/{platform}{login}?next=/{page}"));
        }
    }
    if signed_out && !is_asset(page) {
        let login = app.source.manifest(platform).login_path();
        if format!("/{page}") != login {
            return redirect(&format!("/{platform}{login}?next=/{page}"));
        }
    }
    if let Some(target) = app.source.read(&format!("{path}.redirect")) {
        return redirect(String::from_utf8_lossy(&target).trim());
    }
    let status = app
        .source
        .read(&format!("{path}.status"))
        .and_then(|s| String::from_utf8_lossy(&s).trim().parse::<u16>().ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let candidates = [format!("{path}.html"), format!("{path}/index.html"), path.to_string()];
    for candidate in candidates {
        if let Some(mut body) = app.source.read(&candidate) {
            if candidate.ends_with(".html") {
                body = render_state(&app, platform, &String::from_utf8_lossy(&body)).into_bytes();
            }
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = status;
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&candidate)));
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return response;
        }
    }
    (StatusCode::NOT_FOUND, format!("no replica page for /{path}\n")).into_response()
}

/// A page changes a setting the way the real site's script does: one request
/// per change. Refused settings answer 500 and keep their value.
async fn change(State(app): State<App>, Path((platform, key)): Path<(String, String)>, body: String) -> Response {
    let manifest = app.source.manifest(&platform);
    let Ok(mut state) = app.state.lock() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "state unavailable\n").into_response();
    };
    if state.signed_out.get(&platform).copied().unwrap_or(false) {
        return (StatusCode::UNAUTHORIZED, "signed out\n").into_response();
    }
    state.ensure_loaded(&platform, &app.source);
    let slot = (platform, key.clone());
    if !state.values.contains_key(&slot) {
        return (StatusCode::NOT_FOUND, format!("no setting {key}\n")).into_response();
    }
    if manifest.refuse.contains(&key) {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong. Please try again later.\n",
        )
            .into_response();
    }
    if !manifest.drop.contains(&key) {
        state.values.insert(slot, body.trim().to_string());
    }
    StatusCode::NO_CONTENT.into_response()
}

const SESSION_COOKIE: &str = "replica_session_";
const PENDING_COOKIE: &str = "replica_pending_";

fn new_token() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{nanos:x}{:x}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn has_session(app: &App, platform: &str, headers: &axum::http::HeaderMap) -> bool {
    let Some(token) = cookie(headers, &format!("{SESSION_COOKIE}{platform}")) else {
        return false;
    };
    app.state
        .lock()
        .map(|s| s.sessions.contains(&(platform.to_string(), token.to_string())))
        .unwrap_or(false)
}

fn redirect_with_cookie(location: &str, name: &str, value: &str) -> Response {
    let mut response = redirect(location);
    // Persistent, as platforms' "stay signed in" cookies are: a session
    // cookie would not outlive the browser.
    let cookie = format!("{name}={value}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Where to go after signing in: a path of this platform only.
fn next_page(platform: &str, next: Option<&String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") => format!("/{platform}{n}"),
        _ => format!("/{platform}/"),
    }
}

/// The replica's sign-in form posts here (`username`, `password`, `next`).
async fn sign_in(
    State(app): State<App>,
    Path(platform): Path<String>,
    axum::extract::Form(form): axum::extract::Form<BTreeMap<String, String>>,
) -> Response {
    let login = app.source.manifest(&platform).login_path();
    let next = form.get("next").cloned().unwrap_or_default();
    let Ok(mut state) = app.state.lock() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "state unavailable\n").into_response();
    };
    let username = form.get("username").cloned().unwrap_or_default();
    state.attempts.push((platform.clone(), username.clone()));
    let Some(account) = state.accounts.get(&platform).cloned() else {
        return (StatusCode::NOT_FOUND, "this replica has no account\n").into_response();
    };
    if account.captcha {
        return redirect(&format!("/{platform}/checkpoint/challenge?next={next}"));
    }
    if username != account.username || form.get("password") != Some(&account.password) {
        return redirect(&format!("/{platform}{login}?error=1&next={next}"));
    }
    let token = new_token();
    if account.totp_secret.is_some() {
        state.pending.insert((platform.clone(), token.clone()));
        return redirect_with_cookie(
            &format!("/{platform}{login}/verify?next={next}"),
            &format!("{PENDING_COOKIE}{platform}"),
            &token,
        );
    }
    state.sessions.insert((platform.clone(), token.clone()));
    redirect_with_cookie(
        &next_page(&platform, Some(&next)),
        &format!("{SESSION_COOKIE}{platform}"),
        &token,
    )
}

/// The one-time-code step (`pin`, `next`), after a correct password.
async fn verify(
    State(app): State<App>,
    Path(platform): Path<String>,
    headers: axum::http::HeaderMap,
    axum::extract::Form(form): axum::extract::Form<BTreeMap<String, String>>,
) -> Response {
    let login = app.source.manifest(&platform).login_path();
    let next = form.get("next").cloned().unwrap_or_default();
    let Ok(mut state) = app.state.lock() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "state unavailable\n").into_response();
    };
    let pending = cookie(&headers, &format!("{PENDING_COOKIE}{platform}")).map(String::from);
    let Some(pending) = pending.filter(|t| state.pending.contains(&(platform.clone(), t.clone()))) else {
        return redirect(&format!("/{platform}{login}?next={next}"));
    };
    let secret = state.accounts.get(&platform).and_then(|a| a.totp_secret.clone());
    let expected = secret.and_then(|s| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs();
        let secret = crate::secrets::Secret::new(s);
        // One step either side, as platforms allow for clock drift.
        Some(
            [now.saturating_sub(30), now, now + 30]
                .iter()
                .filter_map(|t| crate::secrets::totp::code_at(&secret, *t).ok())
                .collect::<Vec<_>>(),
        )
    });
    let pin = form.get("pin").map(|p| p.trim().to_string()).unwrap_or_default();
    if !expected.unwrap_or_default().contains(&pin) {
        return redirect(&format!("/{platform}{login}/verify?error=1&next={next}"));
    }
    state.pending.remove(&(platform.clone(), pending));
    let token = new_token();
    state.sessions.insert((platform.clone(), token.clone()));
    redirect_with_cookie(
        &next_page(&platform, Some(&next)),
        &format!("{SESSION_COOKIE}{platform}"),
        &token,
    )
}

/// Fills `{{checked:KEY}}`, `{{aria-checked:KEY}}` and `{{value:KEY}}` from
/// the server-side state.
fn render_state(app: &App, platform: &str, html: &str) -> String {
    static PLACEHOLDER: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = PLACEHOLDER
        .get_or_init(|| regex::Regex::new(r"\{\{(checked|aria-checked|value):([a-z0-9-]+)\}\}").expect("valid regex"));
    let Ok(mut state) = app.state.lock() else {
        return html.to_string();
    };
    state.ensure_loaded(platform, &app.source);
    re.replace_all(html, |caps: &regex::Captures| {
        let value = state
            .values
            .get(&(platform.to_string(), caps[2].to_string()))
            .cloned()
            .unwrap_or_default();
        let on = value == "on";
        match &caps[1] {
            "checked" => if on { "checked" } else { "" }.to_string(),
            "aria-checked" => on.to_string(),
            _ => value,
        }
    })
    .into_owned()
}

fn is_asset(page: &str) -> bool {
    page.ends_with(".css") || page.ends_with(".js") || page.ends_with(".svg")
}

fn redirect(location: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::FOUND;
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}
