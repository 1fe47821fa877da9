//! The replica's routes: pages rendered with the server-side state, and
//! the endpoint their scripts save changes to.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::source::Source;
use super::state::ReplicaState;

/// Sees every request before the replica does: answers it (`Ok`) or hands
/// it back (`Err`) to be served as usual.
pub type Interceptor = Arc<
    dyn Fn(
            axum::http::Request<Body>,
        )
            -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response, axum::http::Request<Body>>> + Send>>
        + Send
        + Sync,
>;

#[derive(Clone)]
struct App {
    source: Source,
    state: Arc<Mutex<ReplicaState>>,
}

pub fn router(source: Source, state: Arc<Mutex<ReplicaState>>, interceptor: Option<Interceptor>) -> Router {
    let app = App { source, state };
    let router = Router::new()
        .route("/__replica/{platform}/state/{key}", axum::routing::post(change))
        .route("/{*path}", get(serve))
        .with_state(app);
    match interceptor {
        Some(intercept) => router.layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            let intercept = intercept.clone();
            async move {
                match intercept(request).await {
                    Ok(response) => response,
                    Err(request) => next.run(request).await,
                }
            }
        })),
        None => router,
    }
}

async fn serve(State(app): State<App>, Path(path): Path<String>) -> Response {
    if let Ok(mut state) = app.state.lock() {
        state.requests.push(format!("/{path}"));
    }
    let path = path.trim_end_matches('/');
    let (platform, page) = path.split_once('/').unwrap_or((path, ""));
    let signed_out = app.state.lock().map(|s| s.is_signed_out(platform)).unwrap_or(false);
    if signed_out && !is_asset(page) {
        let login = app.source.manifest(platform).login_path();
        if format!("/{page}") != login {
            return redirect(&format!("/{platform}{login}?next=/{page}"));
        }
    }
    let candidates = [format!("{path}.html"), format!("{path}/index.html"), path.to_string()];
    for candidate in candidates {
        if let Some(mut body) = app.source.read(&candidate) {
            if candidate.ends_with(".html") {
                body = render_state(&app, platform, &String::from_utf8_lossy(&body)).into_bytes();
            }
            let mut response = Response::new(Body::from(body));
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
/// per change.
async fn change(State(app): State<App>, Path((platform, key)): Path<(String, String)>, body: String) -> Response {
    let Ok(mut state) = app.state.lock() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "state unavailable\n").into_response();
    };
    if state.is_signed_out(&platform) {
        return (StatusCode::UNAUTHORIZED, "signed out\n").into_response();
    }
    state.ensure_loaded(&platform, &app.source);
    let slot = (platform, key.clone());
    if !state.values.contains_key(&slot) {
        return (StatusCode::NOT_FOUND, format!("no setting {key}\n")).into_response();
    }
    state.values.insert(slot, body.trim().to_string());
    StatusCode::NO_CONTENT.into_response()
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
