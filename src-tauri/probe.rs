//! The automatic camera probe: a TCP connect to the camera's address, and an RTSP `OPTIONS` where
//! the address is rtsp://. Its result is recorded as an automatic check beside the manual ones.

use crate::store::{Result, Store};
use chrono::Utc;
use std::collections::BTreeMap;
use std::time::Duration;
use thanthien_core::camera::{Camera, CheckItem, CheckResult, ProbeTarget};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Long enough for a camera on the office LAN, short enough that a dead one does not hold the screen.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// What one probe found: reachable or not, and why, in words for the check's note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeOutcome {
    pub reachable: bool,
    pub detail: String,
}

fn down(detail: impl Into<String>) -> ProbeOutcome {
    ProbeOutcome { reachable: false, detail: detail.into() }
}

/// Connects to the camera; for RTSP, asks `OPTIONS` and reads the status line. Any RTSP answer
/// (401 included: the camera is alive and wants a password) counts as reachable.
pub async fn probe(target: &ProbeTarget, limit: Duration) -> ProbeOutcome {
    let address = (target.host.as_str(), target.port);
    let mut stream = match timeout(limit, TcpStream::connect(address)).await {
        Err(_) => {
            return down(format!("không kết nối được {}:{} (quá {} giây)", target.host, target.port, limit.as_secs()))
        }
        Ok(Err(e)) => return down(format!("không kết nối được {}:{} ({e})", target.host, target.port)),
        Ok(Ok(stream)) => stream,
    };
    if !target.rtsp {
        return ProbeOutcome {
            reachable: true, detail: format!("kết nối được {}:{}", target.host, target.port)
        };
    }
    let host = if target.host.contains(':') { format!("[{}]", target.host) } else { target.host.clone() };
    let request =
        format!("OPTIONS rtsp://{host}:{}/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: ThanThien\r\n\r\n", target.port);
    let exchange = async {
        stream.write_all(request.as_bytes()).await?;
        let mut buf = vec![0u8; 512];
        let mut len = 0;
        // Read until the status line is complete (or the camera stops talking).
        while len < buf.len() && !buf[..len].contains(&b'\n') {
            let n = stream.read(&mut buf[len..]).await?;
            if n == 0 {
                break;
            }
            len += n;
        }
        Ok::<String, std::io::Error>(String::from_utf8_lossy(&buf[..len]).into_owned())
    };
    match timeout(limit, exchange).await {
        Ok(Ok(answer)) => match answer.lines().next().and_then(|line| line.strip_prefix("RTSP/1.0 ")) {
            Some(status) => ProbeOutcome { reachable: true, detail: format!("RTSP {}", status.trim()) },
            None => down("cổng mở nhưng không trả lời RTSP"),
        },
        Ok(Err(e)) => down(format!("RTSP lỗi: {e}")),
        Err(_) => down("cổng mở nhưng không trả lời RTSP (quá thời gian)"),
    }
}

/// Probes every active camera that has an address and records each result as an automatic check.
pub async fn probe_cameras(store: &Store, limit: Duration) -> Result<Vec<(Camera, ProbeOutcome)>> {
    let mut results = Vec::new();
    for camera in store.cameras(Utc::now()).await?.into_iter().filter(|c| c.active) {
        let Some(address) = camera.address.clone() else { continue };
        let Ok(address) = thanthien_core::camera::CameraAddress::try_from(address) else { continue };
        let outcome = probe(&address.target(), limit).await;
        let result = if outcome.reachable { CheckResult::Pass } else { CheckResult::Fail };
        let items = BTreeMap::from([(CheckItem::Reachable, result)]);
        let checked =
            store.check_camera(camera.id, items, true, None, Some(outcome.detail.clone()), Utc::now()).await?;
        results.push((checked, outcome));
    }
    Ok(results)
}
