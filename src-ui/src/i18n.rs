//! Every word the UI shows, in one place. Vietnamese first; English will be a second table.

pub struct Texts {
    pub app_name: &'static str,
    pub screen_front_desk: &'static str,
    pub new_visit: &'static str,
    pub visitor_name: &'static str,
    pub visitor_name_hint: &'static str,
    pub procedure: &'static str,
    pub procedure_hint: &'static str,
    pub note: &'static str,
    pub save_visit: &'static str,
    pub saved: &'static str,
    pub today_visits: &'static str,
    pub no_visits_today: &'static str,
    pub col_time: &'static str,
    pub col_name: &'static str,
    pub col_procedure: &'static str,
    pub col_note: &'static str,
    pub sync_now: &'static str,
    pub syncing: &'static str,
    pub not_enrolled: &'static str,
    pub pending: &'static str,
    pub all_sent: &'static str,
    pub last_sync: &'static str,
    pub never_synced: &'static str,
    pub rejected: &'static str,
}

pub const VI: Texts = Texts {
    app_name: "Thân Thiện",
    screen_front_desk: "Tiếp dân",
    new_visit: "Tiếp nhận lượt mới",
    visitor_name: "Họ tên người đến",
    visitor_name_hint: "Ví dụ: Nguyễn Thị Ánh",
    procedure: "Thủ tục / nội dung",
    procedure_hint: "Ví dụ: Đăng ký khai sinh",
    note: "Ghi chú",
    save_visit: "Lưu lượt tiếp",
    saved: "Đã lưu.",
    today_visits: "Lượt tiếp hôm nay",
    no_visits_today: "Chưa có lượt tiếp nào hôm nay.",
    col_time: "Giờ đến",
    col_name: "Họ tên",
    col_procedure: "Thủ tục",
    col_note: "Ghi chú",
    sync_now: "Đồng bộ ngay",
    syncing: "Đang đồng bộ…",
    not_enrolled: "Chưa đăng ký với tỉnh",
    pending: "chờ gửi",
    all_sent: "Đã gửi hết",
    last_sync: "Đồng bộ lúc",
    never_synced: "Chưa đồng bộ lần nào",
    rejected: "bị từ chối",
};

/// The table in use. One language for now; the settings screen will choose.
pub fn t() -> &'static Texts {
    &VI
}
