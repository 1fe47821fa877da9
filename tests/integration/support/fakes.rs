//! Behaviour only tests need, in front of the product's replica server
//! (through its interceptor): sign-in forms with one account, sessions that
//! expire, a two-step code, a captcha; saves the server refuses (HTTP 500) or
//! accepts and silently drops; pages that answer with an HTTP error
//! (`<page>.status`) or redirect (`<page>.redirect`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use privaudit::replica::{Interceptor, Source};

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

#[derive(Default)]
struct State {
    accounts: BTreeMap<String, ReplicaAccount>,
    /// Valid session tokens, per platform.
    sessions: BTreeSet<(String, String)>,
    /// Tokens that passed the password step and owe a one-time code.
    pending: BTreeSet<(String, String)>,
    /// Every sign-in attempt: the username posted (never the password).
    attempts: Vec<(String, String)>,
    refused: BTreeSet<(String, String)>,
    dropped: BTreeSet<(String, String)>,
    /// Platforms whose session token serves one page load: the next
    /// page load gets a new token (a redirect setting it) and the old one
    /// stops working, as platforms that rotate session tokens do.
    rotating: BTreeSet<String>,
    /// Tokens that already served a page load.
    served: BTreeSet<(String, String)>,
    /// Requests under these paths are held this long (a slow API, a slow save).
    delays: Vec<(String, std::time::Duration)>,
}

/// The fakes of one test's replica server.
#[derive(Clone)]
pub struct Fakes {
    state: Arc<Mutex<State>>,
    root: PathBuf,
}

const SESSION_COOKIE: &str = "replica_session_";
const PENDING_COOKIE: &str = "replica_pending_";

impl Fakes {
    pub fn new(root: PathBuf) -> Fakes {
        Fakes {
            state: Arc::default(),
            root,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("fakes lock")
    }

    /// From now on `platform`'s pages need a session cookie, obtained by
    /// signing in as `account` on the replica's sign-in page.
    pub fn require_login(&self, platform: &str, account: ReplicaAccount) {
        self.lock().accounts.insert(platform.to_string(), account);
    }

    /// Ends every session of `platform`, as a platform expiring sessions does.
    pub fn expire_sessions(&self, platform: &str) {
        let mut s = self.lock();
        s.sessions.retain(|(p, _)| p != platform);
        s.pending.retain(|(p, _)| p != platform);
    }

    /// From now on each session token of `platform` serves one page load;
    /// a browser that does not keep the renewed cookie is signed out.
    pub fn rotate_sessions(&self, platform: &str) {
        self.lock().rotating.insert(platform.to_string());
    }

    /// A valid session token for `platform`, as a browser that signed in
    /// would hold in the cookie `replica_session_<platform>`.
    pub fn issue_session(&self, platform: &str) -> String {
        let token = new_token();
        self.lock().sessions.insert((platform.to_string(), token.clone()));
        token
    }

    /// The usernames posted to `platform`'s sign-in form, in order.
    pub fn sign_in_attempts(&self, platform: &str) -> Vec<String> {
        self.lock()
            .attempts
            .iter()
            .filter(|(p, _)| p == platform)
            .map(|(_, u)| u.clone())
            .collect()
    }

    /// Saves of `key` answer HTTP 500 and keep the old value.
    pub fn refuse(&self, platform: &str, key: &str) {
        self.lock().refused.insert((platform.to_string(), key.to_string()));
    }

    /// Saves of `key` answer 204 and are silently dropped.
    pub fn drop_saves(&self, platform: &str, key: &str) {
        self.lock().dropped.insert((platform.to_string(), key.to_string()));
    }

    /// Requests whose path starts with `prefix` are answered only after
    /// `delay`: a save is passed on then, and `…/api/…` gets `{}`.
    pub fn delay(&self, prefix: &str, delay: std::time::Duration) {
        self.lock().delays.push((prefix.to_string(), delay));
    }

    pub fn interceptor(&self) -> Interceptor {
        let fakes = self.clone();
        Arc::new(move |request: Request<Body>| {
            let fakes = fakes.clone();
            Box::pin(async move { fakes.handle(request).await })
        })
    }

    async fn handle(&self, request: Request<Body>) -> Result<Response, Request<Body>> {
        let full = request.uri().path().to_string();
        let wait = self
            .lock()
            .delays
            .iter()
            .find(|(prefix, _)| full.starts_with(prefix.as_str()))
            .map(|(_, d)| *d);
        if let Some(wait) = wait {
            tokio::time::sleep(wait).await;
            if full.contains("/api/") {
                return Ok((StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "{}").into_response());
            }
        }
        let path = request.uri().path().trim_start_matches('/').to_string();
        let parts: Vec<&str> = path.split('/').collect();
        if request.method() == Method::POST && parts.first() == Some(&"__replica") && parts.len() >= 3 {
            let platform = parts[1].to_string();
            match (parts[2], parts.get(3)) {
                ("login", _) => return Ok(self.sign_in(&platform, request).await),
                ("verify", _) => return Ok(self.verify(&platform, request).await),
                ("state", Some(key)) => {
                    let slot = (platform.clone(), key.to_string());
                    let s = self.lock();
                    if s.refused.contains(&slot) {
                        return Ok((
                            StatusCode::INTERNAL_SERVER_ERROR,
                            "Something went wrong. Please try again later.\n",
                        )
                            .into_response());
                    }
                    if s.dropped.contains(&slot) {
                        return Ok(StatusCode::NO_CONTENT.into_response());
                    }
                }
                _ => {}
            }
            return Err(request);
        }
        let trimmed = path.trim_end_matches('/');
        if let Ok(target) = std::fs::read_to_string(self.root.join(format!("{trimmed}.redirect"))) {
            return Ok(redirect(target.trim()));
        }
        if let Some(status) = std::fs::read_to_string(self.root.join(format!("{trimmed}.status")))
            .ok()
            .and_then(|s| s.trim().parse::<u16>().ok())
            .and_then(|s| StatusCode::from_u16(s).ok())
        {
            return Ok((status, "a fixture status\n").into_response());
        }
        let (platform, page) = trimmed.split_once('/').unwrap_or((trimmed, ""));
        let needs_session = self.lock().accounts.contains_key(platform);
        if needs_session && !is_asset(page) && self.has_session(platform, request.headers()) {
            if let Some(renewed) = self.rotate(platform, &request) {
                return Ok(renewed);
            }
        }
        if needs_session && !is_asset(page) && !self.has_session(platform, request.headers()) {
            let login = self.login_path(platform);
            let public = format!("/{page}") == login || format!("/{page}").starts_with(&format!("{login}/"));
            if !public && !page.starts_with("checkpoint/") {
                return Ok(redirect(&format!("/{platform}{login}?next=/{page}")));
            }
        }
        Err(request)
    }

    fn login_path(&self, platform: &str) -> String {
        Source::Directory(self.root.clone()).manifest(platform).login_path()
    }

    /// For a rotating platform, a page load with a token that already
    /// served one: the token is ended and the same page asked for again
    /// with a new one.
    fn rotate(&self, platform: &str, request: &Request<Body>) -> Option<Response> {
        let is_page = request.method() == Method::GET
            && request.headers().get("sec-fetch-dest").and_then(|v| v.to_str().ok()) == Some("document");
        let token = cookie(request.headers(), &format!("{SESSION_COOKIE}{platform}"))?.to_string();
        let mut s = self.lock();
        if !is_page || !s.rotating.contains(platform) {
            return None;
        }
        let slot = (platform.to_string(), token);
        if s.served.insert(slot.clone()) {
            return None;
        }
        s.sessions.remove(&slot);
        let renewed = new_token();
        s.sessions.insert((platform.to_string(), renewed.clone()));
        let again = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        Some(redirect_with_cookie(
            &again,
            &format!("{SESSION_COOKIE}{platform}"),
            &renewed,
        ))
    }

    fn has_session(&self, platform: &str, headers: &axum::http::HeaderMap) -> bool {
        let Some(token) = cookie(headers, &format!("{SESSION_COOKIE}{platform}")) else {
            return false;
        };
        self.lock()
            .sessions
            .contains(&(platform.to_string(), token.to_string()))
    }

    async fn sign_in(&self, platform: &str, request: Request<Body>) -> Response {
        let login = self.login_path(platform);
        let form = form(request).await;
        let next = form.get("next").cloned().unwrap_or_default();
        let mut s = self.lock();
        let username = form.get("username").cloned().unwrap_or_default();
        s.attempts.push((platform.to_string(), username.clone()));
        let Some(account) = s.accounts.get(platform).cloned() else {
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
            s.pending.insert((platform.to_string(), token.clone()));
            return redirect_with_cookie(
                &format!("/{platform}{login}/verify?next={next}"),
                &format!("{PENDING_COOKIE}{platform}"),
                &token,
            );
        }
        s.sessions.insert((platform.to_string(), token.clone()));
        redirect_with_cookie(
            &next_page(platform, &next),
            &format!("{SESSION_COOKIE}{platform}"),
            &token,
        )
    }

    async fn verify(&self, platform: &str, request: Request<Body>) -> Response {
        let login = self.login_path(platform);
        let pending = cookie(request.headers(), &format!("{PENDING_COOKIE}{platform}")).map(String::from);
        let form = form(request).await;
        let next = form.get("next").cloned().unwrap_or_default();
        let mut s = self.lock();
        let Some(pending) = pending.filter(|t| s.pending.contains(&(platform.to_string(), t.clone()))) else {
            return redirect(&format!("/{platform}{login}?next={next}"));
        };
        let secret = s.accounts.get(platform).and_then(|a| a.totp_secret.clone());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        // One step either side, as platforms allow for clock drift.
        let expected: Vec<String> = secret
            .map(|secret| {
                let secret = privaudit::secrets::Secret::from(secret);
                [now.saturating_sub(30), now, now + 30]
                    .iter()
                    .filter_map(|t| privaudit::secrets::totp::code_at(&secret, *t).ok())
                    .collect()
            })
            .unwrap_or_default();
        let pin = form.get("pin").map(|p| p.trim().to_string()).unwrap_or_default();
        if !expected.contains(&pin) {
            return redirect(&format!("/{platform}{login}/verify?error=1&next={next}"));
        }
        s.pending.remove(&(platform.to_string(), pending));
        let token = new_token();
        s.sessions.insert((platform.to_string(), token.clone()));
        redirect_with_cookie(
            &next_page(platform, &next),
            &format!("{SESSION_COOKIE}{platform}"),
            &token,
        )
    }
}

async fn form(request: Request<Body>) -> BTreeMap<String, String> {
    let bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    url::form_urlencoded::parse(&bytes).into_owned().collect()
}

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

fn redirect(location: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::FOUND;
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
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
fn next_page(platform: &str, next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") {
        format!("/{platform}{next}")
    } else {
        format!("/{platform}/")
    }
}

fn is_asset(page: &str) -> bool {
    page.ends_with(".css") || page.ends_with(".js") || page.ends_with(".svg")
}
