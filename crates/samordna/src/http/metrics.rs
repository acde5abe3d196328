//! Request counts and durations per route, in the Prometheus text format. Routes are labelled by
//! their pattern (`/api/v1/members`), never by the concrete path, which may hold ids.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;

const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    durations: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((method.to_string(), route.to_string(), status)).or_default() += 1;
        }
        if let Ok(mut d) = self.durations.lock() {
            let h = d.entry(route.to_string()).or_default();
            h.count += 1;
            h.sum += seconds;
            for (i, bound) in BUCKETS.iter().enumerate() {
                if seconds <= *bound {
                    h.counts[i] += 1;
                }
            }
        }
    }

    pub fn render(&self, pool: (u32, usize)) -> String {
        let mut out = String::new();
        out.push_str("# HELP samordna_http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE samordna_http_requests_total counter\n");
        if let Ok(r) = self.requests.lock() {
            for ((method, route, status), n) in r.iter() {
                out.push_str(&format!(
                    "samordna_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}\n"
                ));
            }
        }
        out.push_str("# HELP samordna_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE samordna_http_request_duration_seconds histogram\n");
        if let Ok(d) = self.durations.lock() {
            for (route, h) in d.iter() {
                for (i, bound) in BUCKETS.iter().enumerate() {
                    out.push_str(&format!(
                        "samordna_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}\n",
                        h.counts[i]
                    ));
                }
                out.push_str(&format!(
                    "samordna_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n",
                    h.count
                ));
                out.push_str(&format!("samordna_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n", h.sum));
                out.push_str(&format!(
                    "samordna_http_request_duration_seconds_count{{route=\"{route}\"}} {}\n",
                    h.count
                ));
            }
        }
        out.push_str("# HELP samordna_db_connections Database connections open and idle.\n");
        out.push_str("# TYPE samordna_db_connections gauge\n");
        out.push_str(&format!("samordna_db_connections{{state=\"open\"}} {}\n", pool.0));
        out.push_str(&format!("samordna_db_connections{{state=\"idle\"}} {}\n", pool.1));
        out
    }
}

pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().to_string();
    let route =
        request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    state.metrics.observe(&method, &route, status, elapsed.as_secs_f64());
    // Only the route pattern: paths and queries may carry ids or search terms.
    tracing::info!(method = %method, route = %route, status, micros = elapsed.as_micros() as u64, "request");
    response
}
