//! What every server function shares on the server: the state, the caller's address, the
//! clock, and turning an `AppError` into the HTTP status the client sees.

use crate::error::AppError;
use crate::state::AppState;
use leptos::prelude::*;
use std::future::Future;

pub use crate::request::set_error_status;

/// The application state, provided to every server function by the server.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// The request being served.
pub fn request_parts() -> Result<http::request::Parts, AppError> {
    use_context::<http::request::Parts>().ok_or(AppError::Internal)
}

/// Runs a server function's body and maps its error to the matching HTTP status, so that
/// clients other than our pages (and the access test) see 401/403/422 rather than 500.
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(err) = &result {
        set_error_status(err.status());
    }
    result
}

/// Milliseconds since the Unix epoch: the one time format stored in the database.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The caller's address (see `client_ip_from`).
pub fn client_ip(parts: &http::request::Parts, trusted_proxies: usize) -> String {
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|ci| ci.0);
    client_ip_from(&parts.headers, peer, trusted_proxies)
}

/// The caller's address, which every per-address limit counts by. With no trusted proxy it is
/// the socket peer: X-Forwarded-For is whatever the client wrote. Behind `trusted_proxies`
/// proxies (a load balancer, or a CDN and a load balancer), each appends the address it got
/// the request from, so the n-th entry from the right is the one the outermost trusted proxy
/// wrote: the client's. Everything left of it was written by the client, and taking it would
/// let anyone pick a new address per request. A request with fewer entries than trusted hops
/// did not come through all the proxies, and an entry that is no address proves nothing:
/// both count as the peer.
pub fn client_ip_from(headers: &http::HeaderMap, peer: Option<std::net::SocketAddr>, trusted_proxies: usize) -> String {
    let peer = peer.map(|p| p.ip().to_string()).unwrap_or_else(|| "unknown".to_string());
    if trusted_proxies == 0 {
        return peer;
    }
    // Several X-Forwarded-For headers form one list, in order (RFC 9110, 5.3).
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let Some(entry) = entries.len().checked_sub(trusted_proxies).map(|i| entries[i]) else { return peer };
    // Some proxies write the port too ("203.0.113.7:41234", "[2001:db8::1]:41234").
    let ip = entry.parse::<std::net::IpAddr>().ok().or_else(|| entry.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()));
    ip.map(|ip| ip.to_string()).unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::client_ip_from;

    fn headers(values: &[&str]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn peer() -> Option<std::net::SocketAddr> {
        Some("10.0.0.2:5555".parse().unwrap())
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(client_ip_from(&headers(&["6.6.6.6"]), peer(), 0), "10.0.0.2");
        assert_eq!(client_ip_from(&headers(&[]), None, 0), "unknown");
    }

    #[test]
    fn the_entry_the_trusted_proxy_appended_counts_not_what_the_client_wrote() {
        // The client wrote "6.6.6.6"; the load balancer appended the address it saw.
        assert_eq!(client_ip_from(&headers(&["6.6.6.6, 203.0.113.7"]), peer(), 1), "203.0.113.7");
        assert_eq!(client_ip_from(&headers(&["6.6.6.6", "203.0.113.7"]), peer(), 1), "203.0.113.7");
        assert_eq!(client_ip_from(&headers(&["203.0.113.7"]), peer(), 1), "203.0.113.7");
        // A CDN then a load balancer: the CDN's entry is second from the right.
        assert_eq!(client_ip_from(&headers(&["6.6.6.6, 7.7.7.7, 203.0.113.7, 198.51.100.1"]), peer(), 2), "203.0.113.7");
        assert_eq!(client_ip_from(&headers(&["2001:db8::1, 198.51.100.1"]), peer(), 2), "2001:db8::1");
        assert_eq!(client_ip_from(&headers(&["203.0.113.7:41234"]), peer(), 1), "203.0.113.7");
        assert_eq!(client_ip_from(&headers(&["[2001:db8::1]:41234"]), peer(), 1), "2001:db8::1");
    }

    #[test]
    fn too_few_entries_or_garbage_count_as_the_peer() {
        assert_eq!(client_ip_from(&headers(&[]), peer(), 1), "10.0.0.2");
        assert_eq!(client_ip_from(&headers(&["203.0.113.7"]), peer(), 2), "10.0.0.2");
        assert_eq!(client_ip_from(&headers(&["6.6.6.6, not-an-address"]), peer(), 1), "10.0.0.2");
        assert_eq!(client_ip_from(&headers(&[" , "]), peer(), 1), "10.0.0.2");
    }
}
