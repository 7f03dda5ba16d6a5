//! The sync client: enrols this PC, pushes its outbox and pulls the commune's other PCs' events,
//! in the background while the app is open. Being offline is normal, never an error dialog.

use crate::live::Announcer;
use crate::secret::{self, Vault};
use crate::store::{DeviceToken, Store, StoreError};
use flate2::write::GzEncoder;
use flate2::Compression;
use reqwest::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use thanthien_core::ipc::{Changed, CommandError, ErrorKind, SyncReport};
use thanthien_core::sync_policy::{retry_delay, told_delay, AFTER_WRITE, FIRST_RETRY, PERIODIC};
use thanthien_core::update::{self, AppRelease, Platform, UpdateOffer};
use thanthien_core::wire::{
    ApiError, ApiErrorCode, Commune, DeviceReport, EnrollRequest, EnrollResponse, PullResponse, PushRequest,
    PushResponse, ReferenceRelease, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_PULL_LIMIT, PROTOCOL_HEADER,
    PROTOCOL_VERSION,
};
use tokio::sync::{Mutex, Notify};

/// `GET /v1/reference`'s answer before each release is read (see `readable`).
#[derive(serde::Deserialize)]
struct RawReleases {
    releases: Vec<serde_json::Value>,
}

/// The releases this build reads. A kind it does not know yet (the province publishes for newer
/// builds too) is left for the build that reads it; the others still apply.
fn readable(releases: Vec<serde_json::Value>) -> Vec<ReferenceRelease> {
    releases
        .into_iter()
        .filter_map(|release| {
            serde_json::from_value(release)
                .map_err(|e| tracing::warn!(error = %e, "a reference release this build does not read: left"))
                .ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_release_of_a_kind_this_build_does_not_know_leaves_the_others_applying() {
        let releases = serde_json::json!([
            { "version": 7, "kind": "a-kind-of-2030", "body": {} },
            { "version": 6, "kind": "retention", "body": { "visits": { "months": 2 } } },
        ]);
        let read = super::readable(serde_json::from_value(releases).unwrap());
        assert_eq!(read.len(), 1);
        assert_eq!((read[0].version, read[0].kind.wire()), (6, "retention"));
    }
}

/// How long an update's file may take to come: a 10 MB installer over a commune's slow line.
const UPDATE_DOWNLOAD: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("Máy này chưa đăng ký với máy chủ tỉnh.")]
    NotEnrolled,
    #[error("Không kết nối được máy chủ tỉnh; dữ liệu vẫn được lưu và sẽ gửi khi có mạng.")]
    Offline(#[source] reqwest::Error),
    #[error("Ứng dụng đã cũ so với máy chủ tỉnh: vui lòng cập nhật Thân Thiện.")]
    ProtocolUnsupported,
    #[error("Máy chủ tỉnh không chấp nhận máy này (mã thiết bị bị thu hồi hoặc không hợp lệ).")]
    Unauthorized,
    #[error("Mã đăng ký không đúng: xin kiểm tra lại từng ký tự và địa chỉ máy chủ tỉnh.")]
    EnrollmentCodeInvalid,
    #[error("Mã đăng ký này đã được dùng cho một máy khác; mỗi mã chỉ dùng được một lần: xin tỉnh cấp mã mới.")]
    EnrollmentCodeUsed,
    #[error("Mã đăng ký đã hết hạn: xin tỉnh cấp mã mới.")]
    EnrollmentCodeExpired,
    #[error(
        "Máy này đã đăng ký với máy chủ tỉnh. Muốn đăng ký lại, xin tỉnh cấp mã đăng ký lại dành riêng cho máy này \
         (mã máy {0})."
    )]
    AlreadyEnrolled(uuid::Uuid),
    #[error("Máy chủ tỉnh từ chối yêu cầu: {0}")]
    Refused(String),
    /// 503 or 429: the province is at its limit and said when to come back.
    #[error("Máy chủ tỉnh đang bận; máy sẽ tự gửi lại sau {} giây, dữ liệu vẫn được lưu.", .0.as_secs())]
    Busy(Duration),
    #[error("Địa chỉ máy chủ không hợp lệ: {0}")]
    BadServerUrl(String),
    #[error(
        "Không đọc được khóa của máy này trong kho mật khẩu của hệ điều hành: xin tỉnh cấp mã đăng ký lại dành \
         riêng cho máy này (mã máy {0})."
    )]
    TokenLost(uuid::Uuid),
    #[error("Lỗi lưu trữ trên máy này.")]
    Store(#[from] StoreError),
}

/// Where and as whom this PC talks to the province in a round.
struct Line {
    server_url: String,
    token: String,
}

impl Line {
    async fn of(store: &Store) -> Result<Line, SyncError> {
        let enrollment = store.enrollment().await?.ok_or(SyncError::NotEnrolled)?;
        let token = match enrollment.token {
            DeviceToken::Here(token) => token,
            DeviceToken::InOsStore => secret::load(Vault::DeviceToken, &enrollment.device_id.to_string())
                .await
                .ok_or(SyncError::TokenLost(enrollment.device_id))?,
        };
        Ok(Line { server_url: enrollment.server_url, token })
    }
}

/// Moves the device token of a PC enrolled before it was kept in the OS credential store there,
/// at start; where there is no store it stays in the database, and the log says so.
pub async fn keep_token_in_os_store(store: &Store) -> Result<(), StoreError> {
    let Some(enrollment) = store.enrollment().await? else { return Ok(()) };
    let DeviceToken::Here(token) = &enrollment.token else { return Ok(()) };
    if secret::save(Vault::DeviceToken, &enrollment.device_id.to_string(), token).await {
        store.token_moved_to_os_store().await?;
        tracing::info!("the device token moved to the OS credential store");
    } else {
        tracing::warn!("no OS credential store: the device token stays in the local database");
    }
    Ok(())
}

impl From<SyncError> for CommandError {
    fn from(e: SyncError) -> Self {
        tracing::warn!(error = ?e, "sync failed");
        let kind = match &e {
            SyncError::Offline(_) | SyncError::Busy(_) => ErrorKind::Offline,
            SyncError::NotEnrolled => ErrorKind::NotEnrolled,
            SyncError::Store(_) => ErrorKind::Internal,
            _ => ErrorKind::Refused,
        };
        CommandError::new(kind, e.to_string())
    }
}

/// Talks protocol v1 to the province server.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

impl Client {
    pub fn new() -> Client {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(format!("thanthien/{}", crate::version()))
            .build()
            .unwrap_or_default();
        Client { http }
    }

    fn url(base: &str, path: &str) -> Result<reqwest::Url, SyncError> {
        let base = base.trim_end_matches('/');
        reqwest::Url::parse(&format!("{base}{path}")).map_err(|e| SyncError::BadServerUrl(format!("{base}: {e}")))
    }

    async fn answer<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, SyncError> {
        Self::answer_for(response, None).await
    }

    async fn answer_for<T: DeserializeOwned>(
        response: reqwest::Response,
        device: Option<uuid::Uuid>,
    ) -> Result<T, SyncError> {
        if response.status().is_success() {
            return response.json().await.map_err(SyncError::Offline);
        }
        let status = response.status();
        if matches!(status, StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS) {
            // Told when to come back (in seconds; a date or nothing counts as the first retry).
            let after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()?.trim().parse().ok());
            tracing::warn!(%status, ?after, "the province is busy");
            return Err(SyncError::Busy(after.map_or(FIRST_RETRY, Duration::from_secs)));
        }
        let error: Option<ApiError> = response.json().await.ok();
        tracing::warn!(%status, ?error, "server refused the request");
        Err(match error.map(|e| (e.code, e.message)) {
            Some((ApiErrorCode::ProtocolUnsupported, _)) => SyncError::ProtocolUnsupported,
            Some((ApiErrorCode::Unauthorized, _)) => SyncError::Unauthorized,
            Some((ApiErrorCode::EnrollmentCodeInvalid, _)) => SyncError::EnrollmentCodeInvalid,
            Some((ApiErrorCode::EnrollmentCodeUsed, _)) => SyncError::EnrollmentCodeUsed,
            Some((ApiErrorCode::EnrollmentCodeExpired, _)) => SyncError::EnrollmentCodeExpired,
            Some((ApiErrorCode::DeviceTaken, message)) => match device {
                Some(device) => SyncError::AlreadyEnrolled(device),
                None => SyncError::Refused(message),
            },
            Some((_, message)) => SyncError::Refused(message),
            None => SyncError::Refused(status.to_string()),
        })
    }

    /// An authenticated GET of protocol v1.
    async fn get<T: DeserializeOwned>(&self, line: &Line, path: &str, query: &[(&str, &str)]) -> Result<T, SyncError> {
        let mut url = Self::url(&line.server_url, path)?;
        url.query_pairs_mut().extend_pairs(query);
        let response = self
            .http
            .get(url)
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
            .header(AUTHORIZATION, format!("Bearer {}", line.token))
            .send()
            .await
            .map_err(SyncError::Offline)?;
        Self::answer(response).await
    }

    /// The newest release the province offers for this PC's platform, if it is newer than the
    /// running build.
    pub async fn update_offer(&self, store: &Store) -> Result<Option<AppRelease>, SyncError> {
        let Some(platform) = Platform::current() else { return Ok(None) };
        let line = Line::of(store).await?;
        let offer: UpdateOffer = self.get(&line, "/v1/update", &[("platform", platform.wire())]).await?;
        Ok(offer.release.filter(|r| update::installable(r, crate::version())))
    }

    /// A release's file as the server holds it (its signature is checked by the caller).
    pub async fn update_file(&self, store: &Store, release: &AppRelease) -> Result<Vec<u8>, SyncError> {
        let line = Line::of(store).await?;
        let mut url = Self::url(&line.server_url, "/v1/update/file")?;
        url.query_pairs_mut().extend_pairs([("platform", release.platform.wire()), ("version", &release.version)]);
        let response = self
            .http
            .get(url)
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
            .header(AUTHORIZATION, format!("Bearer {}", line.token))
            // An installer over a commune's slow line takes longer than a sync page.
            .timeout(UPDATE_DOWNLOAD)
            .send()
            .await
            .map_err(SyncError::Offline)?;
        if !response.status().is_success() {
            return Err(Self::answer::<serde_json::Value>(response)
                .await
                .err()
                .unwrap_or(SyncError::Refused("máy chủ không gửi tệp cập nhật".to_owned())));
        }
        // The release said how big its file is: a server sending more is not read into memory.
        let too_big = || SyncError::Refused(format!("tệp cập nhật không đúng cỡ đã công bố ({} byte)", release.size));
        if response.content_length().is_some_and(|n| n > release.size) {
            return Err(too_big());
        }
        let file = response.bytes().await.map_err(SyncError::Offline)?;
        if file.len() as u64 != release.size {
            return Err(too_big());
        }
        Ok(file.to_vec())
    }

    /// Trades a one-time code for a device token and saves the enrolment.
    pub async fn enroll(&self, store: &Store, server_url: &str, code: &str) -> Result<Commune, SyncError> {
        let request =
            EnrollRequest { code: code.trim().to_owned(), device_id: store.device_id(), device_name: hostname() };
        let response = self
            .http
            .post(Self::url(server_url, "/v1/enroll")?)
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
            .json(&request)
            .send()
            .await
            .map_err(SyncError::Offline)?;
        let enrolled: EnrollResponse = Self::answer_for(response, Some(store.device_id())).await?;
        if let Some(server_time) = enrolled.server_time {
            store.record_server_time(server_time).await?;
        }
        let in_os_store = secret::save(Vault::DeviceToken, &store.device_id().to_string(), &enrolled.token).await;
        if !in_os_store {
            tracing::warn!("no OS credential store: the device token is kept in the local database");
        }
        store.set_enrollment(server_url.trim_end_matches('/'), &enrolled, in_os_store).await?;
        Ok(enrolled.commune)
    }

    /// One round: push the whole outbox, then pull until caught up. Safe to interrupt anywhere:
    /// the store only moves its cursors after the server's answer is saved.
    pub async fn sync_once(&self, store: &Store) -> Result<SyncReport, SyncError> {
        let line = Line::of(store).await?;
        let mut report = SyncReport::default();
        loop {
            let events = store.outbox(MAX_BATCH_EVENTS, MAX_BATCH_BYTES).await?;
            if events.is_empty() {
                break;
            }
            let sent = events.len();
            let body =
                gzip(&serde_json::to_vec(&PushRequest { events }).map_err(|e| SyncError::Refused(e.to_string()))?);
            let response = self
                .http
                .post(Self::url(&line.server_url, "/v1/sync/push")?)
                .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
                .header(AUTHORIZATION, format!("Bearer {}", line.token))
                .header(CONTENT_TYPE, "application/json")
                .header(CONTENT_ENCODING, "gzip")
                .body(body)
                .send()
                .await
                .map_err(SyncError::Offline)?;
            let answer: PushResponse = Self::answer(response).await?;
            if let Some(server_time) = answer.server_time {
                store.record_server_time(server_time).await?;
            }
            store.record_push(&answer).await?;
            report.rejected += answer.refused();
            report.pushed += answer.settled();
            if answer.settled() + answer.refused() == 0 && answer.expected_seq.is_none() {
                // Nothing settled and nothing asked for: do not spin.
                tracing::warn!(sent, "server settled none of the batch");
                break;
            }
        }
        loop {
            let cursor = store.pull_cursor().await?;
            let after = cursor.to_string();
            let mine_after = store.own_last_seq().await?.to_string();
            let query = [
                ("after", after.as_str()),
                ("limit", &MAX_PULL_LIMIT.to_string()),
                ("mine_after", mine_after.as_str()),
            ];
            let page: PullResponse = self.get(&line, "/v1/sync/pull", &query).await?;
            // Before the page: its events are judged against the server's time.
            if let Some(server_time) = page.server_time {
                store.record_server_time(server_time).await?;
            }
            report.pulled += store.apply_pulled(&page.events, page.next_cursor).await?;
            // A page may carry nothing for this PC (the scan passed its own events) and still
            // move the cursor on: only a page that moves nothing ends the round early.
            let last_page = !page.more || page.next_cursor <= cursor;
            if let Some(settled) = page.settled_seq {
                store.settle_own_seq(settled, last_page).await?;
            }
            if last_page {
                break;
            }
        }
        let held = store.reference_version().await?.to_string();
        let raw: RawReleases = self.get(&line, "/v1/reference", &[("after", held.as_str())]).await?;
        report.reference = store.apply_reference(&readable(raw.releases)).await?;
        self.report_device(store, &line).await;
        Ok(report)
    }

    /// Tells the province this PC's build, what it still holds unsent and when it last read the
    /// feedback mailbox. Best effort: the round's data is already safe, and an older server
    /// without the endpoint must not turn a good round into a failed one.
    async fn report_device(&self, store: &Store, line: &Line) {
        let (status, mailbox) = match (store.sync_status().await, store.mailbox_status().await) {
            (Ok(s), Ok(m)) => (s, m),
            (Err(e), _) | (_, Err(e)) => return tracing::warn!(error = %e, "no device report this round"),
        };
        let report = DeviceReport {
            app_version: crate::version().to_owned(),
            pending: u32::try_from(status.pending.max(0)).unwrap_or(u32::MAX),
            mailbox_read_at: mailbox.last_import_at,
        };
        let Ok(url) = Self::url(&line.server_url, "/v1/sync/report") else { return };
        let sent = self
            .http
            .post(url)
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
            .header(AUTHORIZATION, format!("Bearer {}", line.token))
            .json(&report)
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => tracing::warn!(status = %r.status(), "the server did not take the device report"),
            Err(e) => tracing::warn!(error = %e, "the device report was not sent"),
        }
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// The name this PC gives the province.
pub fn hostname() -> Option<String> {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
}

/// The running sync engine of the open app: one round at a time, woken by local writes, a timer,
/// or the "Đồng bộ ngay" button.
#[derive(Clone)]
pub struct Engine {
    store: Store,
    client: Client,
    wake: Arc<Notify>,
    round: Arc<Mutex<()>>,
    announcer: Announcer,
    /// The newer release the province offered on the last round that could ask.
    offer: Arc<std::sync::Mutex<Option<AppRelease>>>,
}

impl Engine {
    pub fn new(store: Store) -> Engine {
        Engine {
            store,
            client: Client::new(),
            wake: Arc::new(Notify::new()),
            round: Arc::new(Mutex::new(())),
            announcer: Announcer::default(),
            offer: Arc::default(),
        }
    }

    /// Where the engine tells the window a round ended or letters came.
    pub fn announcer(&self) -> &Announcer {
        &self.announcer
    }

    /// Joins the province with a code (between rounds, never during one), then syncs shortly.
    pub async fn enroll(&self, server_url: &str, code: &str) -> Result<Commune, SyncError> {
        let enrolled = {
            let _one_at_a_time = self.round.lock().await;
            self.client.enroll(&self.store, server_url, code).await?
        };
        self.nudge();
        Ok(enrolled)
    }

    /// A local write happened: sync shortly.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Runs one round now and records its outcome for the sync badge.
    pub async fn sync_now(&self) -> Result<SyncReport, SyncError> {
        let _one_at_a_time = self.round.lock().await;
        let result = self.client.sync_once(&self.store).await;
        let note = match &result {
            Ok(_) => None,
            Err(SyncError::NotEnrolled) => return result,
            Err(e) => Some(e.to_string()),
        };
        if let Err(e) = self.store.record_sync_result(note.as_deref()).await {
            tracing::error!(error = %e, "cannot record the sync outcome");
        }
        let pulled = result.as_ref().map_or(0, |r| r.pulled + r.reference);
        self.announcer.announce(Changed::Synced { pulled });
        if result.is_ok() {
            self.ask_for_update().await;
        }
        result
    }

    /// Asks the province for a newer release after a good round. Best effort: a server without
    /// releases, or one that fails to answer, leaves the PC on its version and the round good.
    async fn ask_for_update(&self) {
        match self.client.update_offer(&self.store).await {
            Ok(offer) => {
                let new = {
                    let mut held = self.offer.lock().unwrap_or_else(|e| e.into_inner());
                    let new = offer.as_ref().map(|r| &r.version) != held.as_ref().map(|r| &r.version);
                    *held = offer;
                    new
                };
                if new {
                    self.announcer.announce(Changed::Update);
                }
            }
            Err(e) => tracing::info!(error = %e, "no update offer this round"),
        }
    }

    /// The newer release the province offers, as of the last round.
    pub fn update_offer(&self) -> Option<AppRelease> {
        self.offer.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Downloads the offered release, checks its signature and installs it (see `crate::update`).
    /// Rounds go on meanwhile: a slow download must not hold the registers back, and a round is
    /// safe to end anywhere when the app then gives way to the new version.
    pub async fn install_update(&self) -> Result<crate::update::Installed, crate::update::InstallError> {
        let release = self.update_offer().ok_or(crate::update::InstallError::NothingNewer)?;
        crate::update::install(&self.client, &self.store, &release).await
    }

    /// Reads the feedback mailbox at most every `PERIODIC`, when this PC is online (or not enrolled
    /// yet, so the province cannot tell); new items are pushed on the next round.
    async fn read_mailbox(&self, last: &mut Option<std::time::Instant>) {
        if last.is_some_and(|t| t.elapsed() < PERIODIC) {
            return;
        }
        *last = Some(std::time::Instant::now());
        match crate::mailbox::import(&self.store).await {
            Ok(report) if report.imported > 0 => {
                tracing::info!(imported = report.imported, "feedback mailbox read");
                self.announcer.announce(Changed::Mailbox);
                self.nudge();
            }
            Ok(_) | Err(crate::mailbox::MailboxError::NotSet) => {}
            Err(e) => tracing::info!(error = %e, "feedback mailbox not read"),
        }
    }

    /// Erases what is past its retention period, once a day; the erasures go out on the next round.
    async fn keep_retention(&self) {
        match self.store.run_retention_if_due().await {
            Ok(Some(runs)) if runs.iter().any(|r| r.erased > 0) => {
                tracing::info!(?runs, "personal data past its retention period erased");
                self.nudge();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "retention run failed; the next round tries again"),
        }
    }

    /// The day's backup into the chosen folder, once a day (a USB drive that is not plugged in is
    /// tried again on the next round).
    async fn keep_backup(&self) {
        match self.store.backup_if_due().await {
            Ok(Some(path)) => tracing::info!(path = %path.display(), "daily backup made"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "daily backup not made; the next round tries again"),
        }
    }

    /// The background loop: at start, shortly after writes, every 5 minutes, backing off on failure.
    pub async fn run(self) {
        if let Err(e) = keep_token_in_os_store(&self.store).await {
            tracing::warn!(error = %e, "the device token was not moved to the OS credential store");
        }
        let mut failures: u32 = 0;
        let mut last_mail: Option<std::time::Instant> = None;
        loop {
            let mut told = false;
            let wait = match self.sync_now().await {
                Ok(report) => {
                    failures = 0;
                    tracing::debug!(?report, "sync round done");
                    self.read_mailbox(&mut last_mail).await;
                    PERIODIC
                }
                Err(SyncError::NotEnrolled) => {
                    self.read_mailbox(&mut last_mail).await;
                    PERIODIC
                }
                Err(SyncError::Busy(after)) => {
                    failures = failures.saturating_add(1);
                    told = true;
                    let wait = told_delay(after, fastrand::f64());
                    tracing::info!(?wait, "the province is busy; coming back as told");
                    wait
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    let wait = retry_delay(failures, fastrand::f64());
                    tracing::info!(error = %e, failures, ?wait, "sync failed; will retry");
                    wait
                }
            };
            self.keep_retention().await;
            self.keep_backup().await;
            if told {
                // A write at the desk does not bring the PC back before the province said.
                tokio::time::sleep(wait).await;
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.wake.notified() => {
                    // Let a burst of entries at the desk go in one push.
                    tokio::time::sleep(AFTER_WRITE).await;
                }
            }
        }
    }
}
