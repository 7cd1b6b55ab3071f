//! The page frame and HTML escaping shared by the Checkout and portal pages.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f6f9fc;color:#1a1f36;\
margin:0}main{max-width:440px;margin:48px auto;background:#fff;padding:32px;border-radius:8px;\
box-shadow:0 2px 8px rgba(0,0,0,.08)}label{display:block;margin-top:16px;font-weight:600}\
input{width:100%;box-sizing:border-box;padding:10px;margin-top:6px;border:1px solid #ccd;\
border-radius:4px;font-size:16px}button{margin-top:20px;width:100%;padding:12px;border:0;\
border-radius:4px;background:#635bff;color:#fff;font-size:16px;cursor:pointer}\
button.secondary{background:#e3e8ee;color:#1a1f36}.error{color:#df1b41;font-weight:600}\
.amount{font-size:32px;font-weight:700;margin:8px 0}.muted{color:#697386;font-size:14px}\
.plan{border:1px solid #e3e8ee;border-radius:6px;padding:12px;margin-top:12px}a{color:#635bff}\
.badge{display:inline-block;background:#fff4d6;padding:2px 8px;border-radius:10px;font-size:12px}";

pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A full page; `body` must already be escaped where it holds data.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8>\
         <meta name=viewport content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main>{body}\
         <p class=muted>Test mode · Stripe emulator</p></main></body></html>",
        title = escape(title),
    );
    (status, Html(html)).into_response()
}

/// A page that says why nothing can be done here, with an optional way back.
pub fn notice(
    status: StatusCode,
    title: &str,
    message: &str,
    back: Option<(&str, &str)>,
) -> Response {
    let link = back
        .map(|(href, text)| format!("<p><a href=\"{}\">{}</a></p>", escape(href), escape(text)))
        .unwrap_or_default();
    page(
        status,
        title,
        &format!("<h1>{}</h1><p>{}</p>{link}", escape(title), escape(message)),
    )
}

pub async fn index() -> Response {
    page(
        StatusCode::OK,
        "Stripe emulator",
        "<h1>Stripe emulator</h1><p>The Stripe API is served under <code>/v1</code>; \
         Checkout and portal pages open from the URLs the API returns.</p>",
    )
}
