//! The validated fields of a visit: what the receptionist types, parsed once into types that
//! cannot hold a bad value, and the Vietnamese sentence for each problem.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const NAME_MAX_CHARS: usize = 100;
pub const PROCEDURE_MAX_CHARS: usize = 200;
pub const NOTE_MAX_CHARS: usize = 1000;
pub const CONTENT_MAX_CHARS: usize = 5000;
pub const CODE_MAX_CHARS: usize = 50;

/// Which input field a validation problem belongs to, so the UI can show it beside that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputField {
    Name,
    Procedure,
    Phone,
    CitizenId,
    Note,
    Official,
    Counter,
    Appointment,
    /// The papers still missing, for a citizen guided to come back.
    Guidance,
    /// Where a transferred citizen was sent.
    Transfer,
    /// The papers a received dossier holds.
    Papers,
    /// Why a dossier was refused.
    Refusal,
    Rating,
    /// The time given with `--at` or for a paper-book entry.
    Time,
    Trip,
    /// The visit itself (unknown, or in the wrong state for the action).
    Visit,
    /// What a piece of feedback says.
    Content,
    /// The reply to a piece of feedback.
    Reply,
    /// The witnesses of a feedback-box opening.
    Witnesses,
    /// The feedback item itself (unknown, or in the wrong state for the action).
    Feedback,
    Status,
    Channel,
    Kind,
    /// The code an item got in the national feedback system.
    Code,
    /// The camera itself (unknown, inactive).
    Camera,
    Checklist,
    /// A camera's network address.
    Address,
    /// The feedback mailbox settings.
    Mailbox,
    Username,
    Password,
    Role,
    /// A week of the weekly summary.
    Week,
    /// A file to write or publish: its format, or where the board went up.
    Publication,
    /// One person's data: its erasure or correction.
    Person,
    /// A backup of the store, or the restore from one.
    Backup,
    /// A citizen-reception schedule or session.
    Reception,
}

/// A field that failed validation; `Display` is the sentence shown to the receptionist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum InputError {
    #[error("Vui lòng nhập họ tên người đến làm việc.")]
    NameEmpty,
    #[error("Họ tên quá dài: tối đa {max} ký tự.")]
    NameTooLong { max: usize },
    // Blank optional fields become "not given" before parsing (see `optional`); these two only
    // meet a blank value arriving in a synced payload.
    #[error("Tên thủ tục không được để trống.")]
    ProcedureEmpty,
    #[error("Tên thủ tục quá dài: tối đa {max} ký tự.")]
    ProcedureTooLong { max: usize },
    #[error("Ghi chú không được để trống.")]
    NoteEmpty,
    #[error("Ghi chú quá dài: tối đa {max} ký tự.")]
    NoteTooLong { max: usize },
    #[error("Số điện thoại không hợp lệ: nhập số di động 10 chữ số (ví dụ 0912 345 678) hoặc số cố định 11 chữ số.")]
    PhoneInvalid,
    #[error("Số CCCD/định danh cá nhân phải gồm đúng 12 chữ số.")]
    CitizenIdInvalid,
    #[error("Lần đến phải là 1, 2 hoặc 3 (từ 3 lần trở lên).")]
    TripInvalid,
    #[error("Vui lòng nhập tên cán bộ tiếp nhận.")]
    OfficialEmpty,
    #[error("Tên cán bộ quá dài: tối đa {max} ký tự.")]
    OfficialTooLong { max: usize },
    #[error("Số quầy phải từ 1 đến 99.")]
    CounterInvalid,
    #[error("Tiếp nhận hồ sơ cần có ngày hẹn trả kết quả.")]
    AppointmentMissing,
    #[error("Chỉ ghi ngày hẹn khi tiếp nhận hồ sơ.")]
    AppointmentUnexpected,
    #[error("Mức đánh giá phải từ 1 (Rất không hài lòng) đến 5 (Rất hài lòng).")]
    RatingLevelInvalid,
    #[error("Chỉ ghi lý do khi người dân không hài lòng.")]
    ReasonsOnlyWhenDissatisfied,
    #[error("Kết quả không hợp lệ: resolved, dossier-received, guided, refused, transferred, no-show hoặc left.")]
    OutcomeInvalid,
    #[error("Lý do không hợp lệ: attitude, waiting-time, unclear-guidance, repeat-trips hoặc other.")]
    RatingReasonInvalid,
    #[error("Thời điểm ghi nhận không được ở tương lai.")]
    InTheFuture,
    #[error("Không tìm thấy lượt tiếp này.")]
    VisitNotFound,
    #[error("Lượt tiếp này đã kết thúc.")]
    AlreadyFinished,
    #[error("Lượt tiếp chưa kết thúc nên chưa thể đánh giá.")]
    NotFinished,
    #[error("Lượt tiếp này đã được đánh giá; mỗi lượt chỉ đánh giá một lần.")]
    AlreadyRated,
    #[error("Chưa có lượt tiếp nào đang chờ đánh giá.")]
    NoRatingRequested,
    #[error("Chỉ đổi ngày hẹn cho lượt tiếp đã tiếp nhận hồ sơ.")]
    NotADossier,
    #[error("Vui lòng ghi lý do đổi ngày hẹn (tối đa 1000 ký tự).")]
    RescheduleReasonMissing,
    #[error("Ngày hẹn khác ngày tính theo thời hạn giải quyết: vui lòng ghi lý do.")]
    AppointmentReasonMissing,
    #[error("Ngày hẹn không được trước ngày tiếp nhận hồ sơ.")]
    AppointmentBeforeReceipt,
    #[error("Vui lòng ghi rõ giấy tờ còn thiếu để hướng dẫn người dân một lần, bằng văn bản.")]
    GuidanceMissing,
    #[error("Nội dung hướng dẫn quá dài: tối đa {max} ký tự.")]
    GuidanceTooLong { max: usize },
    #[error("Chỉ ghi nội dung hướng dẫn khi kết thúc bằng hướng dẫn bổ sung.")]
    GuidanceUnexpected,
    #[error("Hồ sơ này đã trả kết quả.")]
    AlreadyReturned,
    #[error("Thành phần hồ sơ không được để trống.")]
    PapersEmpty,
    #[error("Thành phần hồ sơ quá dài: tối đa {max} ký tự.")]
    PapersTooLong { max: usize },
    #[error("Chỉ ghi thành phần hồ sơ khi tiếp nhận hồ sơ.")]
    PapersUnexpected,
    #[error("Vui lòng ghi lý do từ chối tiếp nhận hồ sơ (ghi vào Phiếu từ chối, Mẫu 03; tối đa 1000 ký tự).")]
    RefusalReasonMissing,
    #[error("Chỉ ghi lý do từ chối khi kết thúc bằng từ chối tiếp nhận.")]
    RefusalReasonUnexpected,
    #[error("Vui lòng ghi lý do xoá dữ liệu cá nhân (ai yêu cầu, ngày nào; tối đa 1000 ký tự).")]
    ErasureReasonMissing,
    #[error("{}", .hold.text())]
    ErasureHeld { hold: crate::erasure::Hold },
    #[error("Dữ liệu cá nhân của bản ghi này đã được xoá; không ghi thêm được.")]
    AlreadyErased,
    #[error("Vui lòng ghi lý do sửa (ai yêu cầu, sửa gì; tối đa 1000 ký tự).")]
    CorrectionReasonMissing,
    #[error("Chưa có trường nào cần sửa: nhập họ tên, số điện thoại, số CCCD hoặc ghi chú mới.")]
    CorrectionEmpty,
    #[error("Việc với dữ liệu cá nhân không hợp lệ: search, export, print, correct hoặc erase.")]
    AccessInvalid,
    #[error("Tệp này không phải bản sao lưu của Thân Thiện (hoặc đã hỏng): không khôi phục gì.")]
    BackupUnreadable,
    #[error("Bản sao lưu này được mã hoá bằng khoá của một máy khác: nhập mã khôi phục của máy đã tạo nó (Cài đặt → Sao lưu dữ liệu → Mã khôi phục trên máy đó) để khôi phục.")]
    BackupKeyNeeded,
    #[error("Mã khôi phục gồm 64 chữ số và chữ cái A–F (có thể có dấu gạch ngang); mã vừa nhập không đúng dạng.")]
    RecoveryCodeInvalid,
    #[error("Mã khôi phục này không mở được bản sao lưu: kiểm tra lại mã của đúng máy đã tạo bản sao lưu. Chưa khôi phục gì.")]
    BackupKeyWrong,
    #[error("Sổ theo dõi hồ sơ xuất dạng pdf hoặc xlsx.")]
    BookFormatInvalid,
    #[error("Mẫu phiếu không hợp lệ: chọn 01, 02, 03, 04 hoặc 06.")]
    SlipFormInvalid,
    #[error("Khổ giấy không hợp lệ: chọn a4 hoặc a5.")]
    SlipSizeInvalid,
    #[error("Lượt tiếp này không có phiếu mẫu {form}: giấy tiếp nhận chỉ khi đã nhận hồ sơ, phiếu bổ sung chỉ khi đã hướng dẫn bổ sung, phiếu xin lỗi chỉ khi đã hẹn lại.")]
    SlipNotForVisit { form: String },
    #[error("Ghi người tiếp công dân (Chủ tịch hoặc Phó Chủ tịch được phân công).")]
    ReceptionReceiverMissing,
    #[error("Ghi địa điểm tiếp công dân.")]
    ReceptionPlaceMissing,
    #[error("Giờ tiếp không hợp lệ: nhập dạng 07:30-11:30, giờ bắt đầu trước giờ kết thúc.")]
    ReceptionHoursInvalid,
    #[error("Chọn ngày tiếp: một thứ trong tuần kèm ngày bắt đầu (và ngày kết thúc không trước ngày bắt đầu), hoặc danh sách ngày (tối đa 400) — không cả hai.")]
    ReceptionDaysInvalid,
    #[error("Không ghi buổi tiếp công dân cho ngày chưa tới.")]
    ReceptionDayAhead,
    #[error("Số công dân được tiếp phải từ 0 đến 1000.")]
    ReceptionCitizensInvalid,
    #[error("Ghi tóm tắt nội dung công dân trình bày (tối đa 1000 ký tự).")]
    ReceptionRaisedMissing,
    #[error("Ghi lý do không tổ chức buổi tiếp (tối đa 1000 ký tự).")]
    ReceptionReasonMissing,
    #[error("Nhập thời điểm phát hiện sự cố (không muộn hơn bây giờ).")]
    BreachTimeInvalid,
    #[error("Mô tả sự việc và các biện pháp đã làm (mỗi mục tối đa 1000 ký tự).")]
    BreachTextMissing,
    #[error("Máy vừa được khôi phục từ bản sao lưu: cần đồng bộ với máy chủ tỉnh một lần (kiểm tra mạng, bấm Đồng bộ ngay) trước khi ghi tiếp, để không trùng số thứ tự đã gửi.")]
    RestoredNotSettled,
    #[error("Giờ làm việc không hợp lệ: nhập dạng 07:00-11:30 và 13:30-17:00, buổi sáng kết thúc trước buổi chiều.")]
    OfficeHoursInvalid,
    #[error("Vui lòng nhập chức danh của cán bộ.")]
    OfficialTitleMissing,
    #[error("Không tìm thấy cán bộ này trong danh bạ.")]
    OfficialNotFound,
    #[error("Thời gian tự khóa màn hình phải từ {min} đến {max} phút.")]
    IdleLockInvalid { min: u32, max: u32 },
    #[error("Số thứ tự không hợp lệ.")]
    TicketInvalid,
    #[error("Vui lòng ghi quầy hoặc cán bộ nhận chuyển.")]
    TransferTargetMissing,
    #[error("Chỉ ghi nơi chuyển đến khi chuyển quầy.")]
    TransferUnexpected,
    #[error("Vui lòng nhập nội dung góp ý, phản ánh.")]
    ContentEmpty,
    #[error("Nội dung quá dài: tối đa {max} ký tự.")]
    ContentTooLong { max: usize },
    #[error("Vui lòng nhập nội dung trả lời.")]
    ReplyMissing,
    #[error("Nội dung trả lời quá dài: tối đa {max} ký tự.")]
    ReplyTooLong { max: usize },
    #[error("Mở hộp thư góp ý cần ít nhất hai người chứng kiến, mỗi người một tên.")]
    WitnessesTooFew,
    #[error("Không tìm thấy mục góp ý, phản ánh này.")]
    FeedbackNotFound,
    #[error("Mục này đã trả lời hoặc kết thúc; không đổi trạng thái được nữa.")]
    FeedbackFinished,
    #[error("Chỉ hỏi mức hài lòng của người gửi khi đã giải quyết xong.")]
    FeedbackNotFinished,
    #[error("Trạng thái không hợp lệ ở bước này.")]
    StatusInvalid,
    #[error(
        "Kênh tiếp nhận không hợp lệ: hòm thư, thư điện tử, điện thoại, Zalo, Fanpage, cổng thông tin hoặc trực tiếp."
    )]
    ChannelInvalid,
    #[error("Loại không hợp lệ: khen ngợi, góp ý, phản ánh - kiến nghị, khiếu nại hoặc tố cáo.")]
    KindInvalid,
    #[error("Mã trên Hệ thống tiếp nhận phản ánh không được để trống (tối đa {max} ký tự).")]
    CodeInvalid { max: usize },
    #[error("Vui lòng nhập tên camera.")]
    CameraNameEmpty,
    #[error("Tên camera quá dài: tối đa {max} ký tự.")]
    CameraNameTooLong { max: usize },
    #[error("Không tìm thấy camera này.")]
    CameraNotFound,
    #[error("Camera này đã ngừng sử dụng.")]
    CameraInactive,
    #[error(
        "Phiếu kiểm tra phải ghi đủ năm mục: hình trực tiếp, ghi hình, giờ trên hình, thời gian lưu, biển thông báo."
    )]
    ChecklistIncomplete,
    #[error("Mục kiểm tra không hợp lệ: ghi dạng live=pass,recording=fail (pass / fail / na).")]
    ChecklistInvalid,
    #[error("Địa chỉ camera không hợp lệ: nhập dạng rtsp://192.168.1.20:554/stream, http://… hoặc 192.168.1.20:554.")]
    CameraAddressInvalid,
    #[error("Hộp thư góp ý chưa được cài đặt đủ: máy chủ, tên đăng nhập và mật khẩu.")]
    MailboxNotSet,
    #[error("Tên đăng nhập gồm 3–32 ký tự: chữ không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang.")]
    UsernameInvalid,
    #[error("Mật khẩu cần ít nhất {min} ký tự.")]
    PasswordTooShort { min: usize },
    #[error("Vai trò không hợp lệ: cán bộ tiếp dân, lãnh đạo UBND hoặc quản trị máy.")]
    RoleInvalid,
    #[error("Vai trò không hợp lệ: province-admin (quản trị tỉnh) hoặc province-viewer (cán bộ theo dõi).")]
    ProvinceRoleInvalid,
    #[error("Tên đăng nhập này đã có.")]
    AccountExists,
    #[error("Không tìm thấy tài khoản này.")]
    AccountNotFound,
    #[error("Tuần không hợp lệ: ghi dạng 2026-W47.")]
    WeekInvalid,
    #[error("Tuần chưa kết thúc nên chưa trình được; bước này không hợp với trạng thái hiện tại của báo cáo.")]
    ApprovalStepInvalid,
    #[error("Vui lòng ghi lý do mở lại báo cáo (tối đa 1000 ký tự).")]
    ReopenReasonMissing,
    #[error("Nơi công khai không hợp lệ: bảng tin, cổng thông tin, Fanpage, Zalo hoặc nơi khác; bản in, trang web hoặc JSON.")]
    PublicationInvalid,
    #[error("Định dạng phải là xlsx, pdf hoặc csv.")]
    ExportFormatInvalid,
    #[error("Loại dữ liệu dùng chung phải là procedures (danh mục thủ tục) hoặc holidays (lịch nghỉ).")]
    ReferenceKindInvalid,
    #[error("{} có ký tự điều khiển (mã {}): vui lòng gõ lại, không dán ký tự lạ.", .field.label_vi(), .code)]
    ControlCharacter { field: InputField, code: String },
    #[error("{} ({}) không được trước {} ({}).", .step.label_vi(), crate::time::local_text(*.at), .follows.label_vi(), crate::time::local_text(*.start))]
    StepBeforeStart {
        step: Moment,
        at: chrono::DateTime<chrono::Utc>,
        follows: Moment,
        start: chrono::DateTime<chrono::Utc>,
    },
    #[error("{} quá dài: tối đa {} ký tự.", .field.label_vi(), .max)]
    TooLong { field: InputField, max: usize },
    #[error("{}: nhiều quá, tối đa {} mục.", .field.label_vi(), .max)]
    TooMany { field: InputField, max: usize },
    #[error("{} ({}) ở tương lai so với giờ máy chủ: kiểm tra lại ngày giờ và đồng hồ của máy.", .moment.label_vi(), crate::time::local_text(*.at))]
    MomentInTheFuture { moment: Moment, at: chrono::DateTime<chrono::Utc> },
    #[error("{} ({}) trước ngày 01/07/2025, ngày các xã, phường hiện nay bắt đầu hoạt động: kiểm tra lại ngày.", .moment.label_vi(), crate::time::local_text(*.at))]
    BeforeCommunes { moment: Moment, at: chrono::DateTime<chrono::Utc> },
}

/// A moment in the life of a visit, a feedback item, a camera or a week's approval: what a step
/// is dated by, and what it must not precede.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moment {
    Arrival,
    Call,
    Finish,
    Reschedule,
    Return,
    Rating,
    Receipt,
    StatusChange,
    Answer,
    CameraService,
    CameraCheck,
    WeekEnd,
    WeekStep,
    BoxOpening,
    Publication,
    /// Any time given for an entry, before the form knows which step it dates.
    Entry,
    Erasure,
    Access,
    Reception,
}

impl Moment {
    pub fn label_vi(self) -> &'static str {
        match self {
            Moment::Arrival => "Giờ người dân đến",
            Moment::Call => "Giờ gọi số",
            Moment::Finish => "Giờ kết thúc lượt tiếp",
            Moment::Reschedule => "Giờ hẹn lại",
            Moment::Return => "Giờ trả kết quả",
            Moment::Rating => "Giờ đánh giá",
            Moment::Receipt => "Giờ tiếp nhận",
            Moment::StatusChange => "Giờ chuyển trạng thái",
            Moment::Answer => "Giờ trả lời",
            Moment::CameraService => "Ngày camera bắt đầu sử dụng",
            Moment::CameraCheck => "Giờ kiểm tra camera",
            Moment::WeekEnd => "Thời điểm kết thúc tuần",
            Moment::WeekStep => "Bước duyệt báo cáo",
            Moment::BoxOpening => "Giờ mở hộp thư góp ý",
            Moment::Publication => "Giờ công khai",
            Moment::Entry => "Thời điểm ghi nhận",
            Moment::Erasure => "Giờ xoá dữ liệu cá nhân",
            Moment::Access => "Giờ truy cập dữ liệu cá nhân",
            Moment::Reception => "Giờ ghi buổi tiếp công dân",
        }
    }
}

/// A step dated `at` may not precede the moment `start` it follows.
pub fn not_before(
    step: Moment,
    at: chrono::DateTime<chrono::Utc>,
    follows: Moment,
    start: chrono::DateTime<chrono::Utc>,
) -> Result<(), InputError> {
    if at < start {
        Err(InputError::StepBeforeStart { step, at, follows, start })
    } else {
        Ok(())
    }
}

/// A synced free-text field that has no type of its own: bounded and without control characters.
pub fn check_text(text: &str, field: InputField, max: usize, multiline: bool) -> Result<(), InputError> {
    if text.chars().count() > max {
        return Err(InputError::TooLong { field, max });
    }
    check_controls(text, field, multiline)
}

/// A step's time is believable: not after `latest` (the receiver's time plus the tolerance) and
/// not before today's communes began (`clock::communes_formed`).
pub fn check_moment(
    moment: Moment,
    at: chrono::DateTime<chrono::Utc>,
    latest: chrono::DateTime<chrono::Utc>,
) -> Result<(), InputError> {
    if at > latest {
        Err(InputError::MomentInTheFuture { moment, at })
    } else if at < crate::clock::communes_formed() {
        Err(InputError::BeforeCommunes { moment, at })
    } else {
        Ok(())
    }
}

impl InputField {
    /// The field's name as the form labels it, for messages that name the field.
    pub fn label_vi(self) -> &'static str {
        match self {
            InputField::Name => "Họ tên",
            InputField::Procedure => "Thủ tục",
            InputField::Phone => "Số điện thoại",
            InputField::CitizenId => "Số CCCD",
            InputField::Note => "Ghi chú",
            InputField::Official => "Tên cán bộ",
            InputField::Counter => "Quầy",
            InputField::Appointment => "Ngày hẹn, lý do",
            InputField::Guidance => "Nội dung hướng dẫn",
            InputField::Transfer => "Nơi chuyển đến",
            InputField::Papers => "Thành phần hồ sơ",
            InputField::Refusal => "Lý do từ chối",
            InputField::Rating => "Đánh giá",
            InputField::Time => "Thời điểm",
            InputField::Trip => "Lần đến",
            InputField::Visit => "Lượt tiếp",
            InputField::Content => "Nội dung",
            InputField::Reply => "Nội dung trả lời",
            InputField::Witnesses => "Người chứng kiến",
            InputField::Feedback => "Mục góp ý",
            InputField::Person => "Dữ liệu cá nhân",
            InputField::Backup => "Sao lưu",
            InputField::Reception => "Tiếp công dân",
            InputField::Status => "Trạng thái",
            InputField::Channel => "Kênh tiếp nhận",
            InputField::Kind => "Loại",
            InputField::Code => "Mã hệ thống",
            InputField::Camera => "Tên camera",
            InputField::Checklist => "Phiếu kiểm tra",
            InputField::Address => "Địa chỉ camera",
            InputField::Mailbox => "Hộp thư",
            InputField::Username => "Tên đăng nhập",
            InputField::Password => "Mật khẩu",
            InputField::Role => "Vai trò",
            InputField::Week => "Tuần",
            InputField::Publication => "Nơi công khai",
        }
    }
}

/// Refuses control characters (a bell, an escape, a NUL pasted from somewhere) inside a text;
/// `multiline` fields keep their line breaks and tabs. The ends are trimmed before, as usual.
pub fn check_controls(text: &str, field: InputField, multiline: bool) -> Result<(), InputError> {
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    match text.trim().chars().find(|c| c.is_control() && !allowed(*c)) {
        Some(c) => Err(InputError::ControlCharacter { field, code: format!("U+{:04X}", u32::from(c)) }),
        None => Ok(()),
    }
}

impl InputError {
    pub fn field(&self) -> InputField {
        match self {
            InputError::NameEmpty | InputError::NameTooLong { .. } => InputField::Name,
            InputError::ProcedureEmpty | InputError::ProcedureTooLong { .. } => InputField::Procedure,
            InputError::NoteEmpty | InputError::NoteTooLong { .. } => InputField::Note,
            InputError::PhoneInvalid => InputField::Phone,
            InputError::CitizenIdInvalid => InputField::CitizenId,
            InputError::OfficialEmpty
            | InputError::OfficialTooLong { .. }
            | InputError::OfficialTitleMissing
            | InputError::OfficialNotFound => InputField::Official,
            InputError::CounterInvalid => InputField::Counter,
            InputError::AppointmentMissing | InputError::AppointmentUnexpected => InputField::Appointment,
            InputError::RatingLevelInvalid
            | InputError::RatingReasonInvalid
            | InputError::ReasonsOnlyWhenDissatisfied
            | InputError::AlreadyRated
            | InputError::NoRatingRequested => InputField::Rating,
            InputError::InTheFuture | InputError::OfficeHoursInvalid | InputError::IdleLockInvalid { .. } => {
                InputField::Time
            }
            InputError::TripInvalid => InputField::Trip,
            InputError::OutcomeInvalid
            | InputError::VisitNotFound
            | InputError::AlreadyFinished
            | InputError::NotFinished
            | InputError::TicketInvalid => InputField::Visit,
            InputError::NotADossier
            | InputError::AlreadyReturned
            | InputError::RescheduleReasonMissing
            | InputError::AppointmentReasonMissing
            | InputError::AppointmentBeforeReceipt => InputField::Appointment,
            InputError::GuidanceMissing | InputError::GuidanceTooLong { .. } | InputError::GuidanceUnexpected => {
                InputField::Guidance
            }
            InputError::PapersEmpty | InputError::PapersTooLong { .. } | InputError::PapersUnexpected => {
                InputField::Papers
            }
            InputError::RefusalReasonMissing | InputError::RefusalReasonUnexpected => InputField::Refusal,
            InputError::TransferTargetMissing | InputError::TransferUnexpected => InputField::Transfer,
            InputError::ContentEmpty | InputError::ContentTooLong { .. } => InputField::Content,
            InputError::ReplyMissing | InputError::ReplyTooLong { .. } => InputField::Reply,
            InputError::WitnessesTooFew => InputField::Witnesses,
            InputError::FeedbackNotFound | InputError::FeedbackFinished | InputError::FeedbackNotFinished => {
                InputField::Feedback
            }
            InputError::StatusInvalid => InputField::Status,
            InputError::ChannelInvalid => InputField::Channel,
            InputError::KindInvalid => InputField::Kind,
            InputError::CodeInvalid { .. } => InputField::Code,
            InputError::CameraNameEmpty
            | InputError::CameraNameTooLong { .. }
            | InputError::CameraNotFound
            | InputError::CameraInactive => InputField::Camera,
            InputError::ChecklistIncomplete | InputError::ChecklistInvalid => InputField::Checklist,
            InputError::CameraAddressInvalid => InputField::Address,
            InputError::MailboxNotSet => InputField::Mailbox,
            InputError::UsernameInvalid | InputError::AccountExists | InputError::AccountNotFound => {
                InputField::Username
            }
            InputError::PasswordTooShort { .. } => InputField::Password,
            InputError::RoleInvalid | InputError::ProvinceRoleInvalid => InputField::Role,
            InputError::WeekInvalid | InputError::ApprovalStepInvalid | InputError::ReopenReasonMissing => {
                InputField::Week
            }
            InputError::PublicationInvalid | InputError::ExportFormatInvalid | InputError::ReferenceKindInvalid => {
                InputField::Publication
            }
            InputError::ControlCharacter { field, .. } => *field,
            InputError::ErasureReasonMissing
            | InputError::ErasureHeld { .. }
            | InputError::AlreadyErased
            | InputError::CorrectionReasonMissing
            | InputError::CorrectionEmpty
            | InputError::AccessInvalid
            | InputError::BreachTimeInvalid
            | InputError::BreachTextMissing => InputField::Person,
            InputError::BackupUnreadable
            | InputError::BackupKeyNeeded
            | InputError::RecoveryCodeInvalid
            | InputError::BackupKeyWrong
            | InputError::RestoredNotSettled => InputField::Backup,
            InputError::SlipFormInvalid | InputError::SlipSizeInvalid | InputError::SlipNotForVisit { .. } => {
                InputField::Visit
            }
            InputError::BookFormatInvalid => InputField::Publication,
            InputError::ReceptionReceiverMissing
            | InputError::ReceptionPlaceMissing
            | InputError::ReceptionHoursInvalid
            | InputError::ReceptionDaysInvalid
            | InputError::ReceptionDayAhead
            | InputError::ReceptionCitizensInvalid
            | InputError::ReceptionRaisedMissing
            | InputError::ReceptionReasonMissing => InputField::Reception,
            InputError::StepBeforeStart { .. }
            | InputError::MomentInTheFuture { .. }
            | InputError::BeforeCommunes { .. } => InputField::Time,
            InputError::TooLong { field, .. } | InputError::TooMany { field, .. } => *field,
        }
    }
}

/// Trimmed, NFC-normalised, inner runs of white space folded to one space.
fn clean_text(raw: &str) -> String {
    crate::normal_form::nfc(raw).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Like `clean_text`, line by line: a letter keeps its paragraphs (at most one blank line
/// between them), each line folded and trimmed.
fn clean_paragraphs(raw: &str) -> String {
    let lines: Vec<String> = raw.lines().map(clean_text).collect();
    let mut out: Vec<&str> = Vec::new();
    for line in &lines {
        if !(line.is_empty() && out.last().is_none_or(|l| l.is_empty())) {
            out.push(line);
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// The plumbing every validated string field shares: read access, back to `String`, display.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

macro_rules! text_field {
    ($(#[$doc:meta])* $name:ident, $max:expr, $empty:expr, $too_long:expr) => {
        text_field!($(#[$doc])* $name, $max, $empty, $too_long, clean_text, false);
    };
    ($(#[$doc:meta])* $name:ident, $max:expr, $empty:expr, $too_long:expr, $clean:ident, $multiline:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        string_newtype!($name);

        impl TryFrom<String> for $name {
            type Error = InputError;
            fn try_from(raw: String) -> Result<Self, InputError> {
                check_controls(&raw, $empty.field(), $multiline)?;
                let text = $clean(&raw);
                if text.is_empty() {
                    return Err($empty);
                }
                if text.chars().count() > $max {
                    return Err($too_long);
                }
                Ok($name(text))
            }
        }
    };
}

text_field!(
    /// A visitor's name as the citizen gives it: 1–100 characters after trimming, in NFC.
    VisitorName, NAME_MAX_CHARS, InputError::NameEmpty,
    InputError::NameTooLong { max: NAME_MAX_CHARS }
);
text_field!(
    /// The procedure the citizen came for: a catalogue procedure's name, or free text.
    ProcedureText, PROCEDURE_MAX_CHARS, InputError::ProcedureEmpty,
    InputError::ProcedureTooLong { max: PROCEDURE_MAX_CHARS }
);
text_field!(
    /// An official's name as it is called out and printed.
    OfficialName, NAME_MAX_CHARS, InputError::OfficialEmpty,
    InputError::OfficialTooLong { max: NAME_MAX_CHARS }
);
text_field!(
    /// The one-time written guidance for a citizen whose dossier is incomplete: which papers are
    /// missing.
    Guidance, NOTE_MAX_CHARS, InputError::GuidanceMissing,
    InputError::GuidanceTooLong { max: NOTE_MAX_CHARS }, clean_text, true
);
text_field!(
    /// The papers a received dossier holds, one a line, as the receipt slip (Mẫu 01) lists them.
    Papers, NOTE_MAX_CHARS, InputError::PapersEmpty,
    InputError::PapersTooLong { max: NOTE_MAX_CHARS }, clean_paragraphs, true
);
text_field!(
    /// Why a dossier was refused, as the refusal slip (Mẫu 03) gives it.
    RefusalReason, NOTE_MAX_CHARS, InputError::RefusalReasonMissing,
    InputError::RefusalReasonMissing, clean_text, true
);
text_field!(
    /// What a piece of feedback says, as the citizen wrote or said it.
    FeedbackContent, CONTENT_MAX_CHARS, InputError::ContentEmpty,
    InputError::ContentTooLong { max: CONTENT_MAX_CHARS }, clean_paragraphs, true
);
text_field!(
    /// The commune's reply to a piece of feedback.
    Reply, CONTENT_MAX_CHARS, InputError::ReplyMissing,
    InputError::ReplyTooLong { max: CONTENT_MAX_CHARS }, clean_paragraphs, true
);
text_field!(
    /// The code an item gets when it is entered into the national feedback system.
    NationalCode, CODE_MAX_CHARS, InputError::CodeInvalid { max: CODE_MAX_CHARS },
    InputError::CodeInvalid { max: CODE_MAX_CHARS }
);
text_field!(
    /// A camera's name as the office knows it ("Camera quầy 1").
    CameraName, NAME_MAX_CHARS, InputError::CameraNameEmpty,
    InputError::CameraNameTooLong { max: NAME_MAX_CHARS }
);
text_field!(
    /// The receptionist's note on a visit.
    Note, NOTE_MAX_CHARS, InputError::NoteEmpty,
    InputError::NoteTooLong { max: NOTE_MAX_CHARS }, clean_text, true
);

/// A Vietnamese phone number in its national form, digits only: `0912345678` (mobile, 10 digits)
/// or `02838291234` (landline, 11 digits). Accepts spaces, dots, dashes, brackets and +84/84.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl TryFrom<String> for Phone {
    type Error = InputError;
    fn try_from(raw: String) -> Result<Self, InputError> {
        let trimmed = raw.trim();
        let (international, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        if !rest.chars().all(|c| c.is_ascii_digit() || " .-()".contains(c)) {
            return Err(InputError::PhoneInvalid);
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        let national = match digits.strip_prefix("84") {
            Some(local) if international || digits.len() >= 11 => format!("0{local}"),
            _ if international => return Err(InputError::PhoneInvalid),
            _ => digits,
        };
        let mobile = national.len() == 10 && matches!(&national[..2], "03" | "05" | "07" | "08" | "09");
        let landline = national.len() == 11 && national.starts_with("02");
        if mobile || landline {
            Ok(Phone(national))
        } else {
            Err(InputError::PhoneInvalid)
        }
    }
}

string_newtype!(Phone);

/// A citizen identity number (CCCD / số định danh cá nhân): exactly 12 digits; spaces are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CitizenId(String);

impl TryFrom<String> for CitizenId {
    type Error = InputError;
    fn try_from(raw: String) -> Result<Self, InputError> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 12 && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(CitizenId(digits))
        } else {
            Err(InputError::CitizenIdInvalid)
        }
    }
}

string_newtype!(CitizenId);

/// The number a citizen is called by today: a series letter per PC (the province hands each PC of
/// a commune its own at enrolment, so two desks never give out the same number while apart) and a
/// number counted per PC and local day from 1. Written `A007`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ticket {
    series: char,
    number: u16,
}

impl Ticket {
    pub const MAX: u16 = 9999;

    pub fn new(series: char, number: u16) -> Result<Ticket, InputError> {
        if series.is_ascii_uppercase() && (1..=Ticket::MAX).contains(&number) {
            Ok(Ticket { series, number })
        } else {
            Err(InputError::TicketInvalid)
        }
    }

    pub fn series(self) -> char {
        self.series
    }

    pub fn number(self) -> u16 {
        self.number
    }

    /// The series of the n-th PC enrolled in a commune (1 → A, 2 → B, …, 27 → A again).
    pub fn series_for(device_number: u32) -> char {
        let index = device_number.saturating_sub(1) % 26;
        char::from(b'A' + index as u8)
    }
}

impl TryFrom<String> for Ticket {
    type Error = InputError;
    fn try_from(raw: String) -> Result<Self, InputError> {
        let mut chars = raw.trim().chars();
        let series = chars.next().ok_or(InputError::TicketInvalid)?;
        let digits = chars.as_str();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InputError::TicketInvalid);
        }
        Ticket::new(series, digits.parse().map_err(|_| InputError::TicketInvalid)?)
    }
}

impl From<Ticket> for String {
    fn from(t: Ticket) -> String {
        t.to_string()
    }
}

impl fmt::Display for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:03}", self.series, self.number)
    }
}

/// What the receptionist typed, unchecked. Empty optional fields mean "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitInput {
    pub name: String,
    #[serde(default)]
    pub procedure: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub citizen_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Which trip for the same matter: 1, 2, or 3 for "3 or more" (default 1).
    #[serde(default)]
    pub trip: Option<u8>,
}

/// Which trip to the office this is for the same matter: 1, 2, or 3 meaning "3 or more".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Trip(u8);

impl Default for Trip {
    fn default() -> Self {
        Trip(1)
    }
}

impl TryFrom<u8> for Trip {
    type Error = InputError;
    fn try_from(n: u8) -> Result<Self, InputError> {
        match n {
            1..=2 => Ok(Trip(n)),
            // "3 or more": the summary only tells first, second and repeated trips apart.
            3..=99 => Ok(Trip(3)),
            _ => Err(InputError::TripInvalid),
        }
    }
}

impl From<Trip> for u8 {
    fn from(t: Trip) -> u8 {
        t.0
    }
}

/// A visit ready to be recorded: every field valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVisit {
    pub name: VisitorName,
    pub procedure: Option<ProcedureText>,
    /// The catalogue procedure the text names, when the desk recognised it (e.g. `HT-01`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_id: Option<String>,
    pub phone: Option<Phone>,
    pub citizen_id: Option<CitizenId>,
    pub note: Option<Note>,
    #[serde(default)]
    pub trip: Trip,
}

/// Every field of a form checked at once: a tuple of parsed fields is `Ok` with their values when
/// each parsed, else every field's error in order, so the form marks all its problems, not the
/// first. `(name, phone).all_valid()?`.
pub trait AllValid {
    type Values;
    fn all_valid(self) -> Result<Self::Values, Vec<InputError>>;
}

macro_rules! all_valid {
    ($($field:ident),+) => {
        #[allow(non_snake_case)]
        impl<$($field),+> AllValid for ($(Result<$field, InputError>,)+) {
            type Values = ($($field,)+);
            fn all_valid(self) -> Result<Self::Values, Vec<InputError>> {
                match self {
                    ($(Ok($field),)+) => Ok(($($field,)+)),
                    ($($field,)+) => Err([$($field.err()),+].into_iter().flatten().collect()),
                }
            }
        }
    };
}

all_valid!(A, B);
all_valid!(A, B, C);
all_valid!(A, B, C, D);
all_valid!(A, B, C, D, E);
all_valid!(A, B, C, D, E, F);
all_valid!(A, B, C, D, E, F, G, H);

pub fn optional<T: TryFrom<String, Error = InputError>>(raw: Option<String>) -> Result<Option<T>, InputError> {
    match raw {
        Some(text) if !text.trim().is_empty() => T::try_from(text).map(Some),
        _ => Ok(None),
    }
}

impl NewVisit {
    /// Checks every field and reports every problem at once, so the form can mark them all.
    pub fn parse(input: VisitInput) -> Result<NewVisit, Vec<InputError>> {
        let (name, procedure, phone, citizen_id, note, trip) = (
            VisitorName::try_from(input.name),
            optional(input.procedure),
            optional(input.phone),
            optional(input.citizen_id),
            optional(input.note),
            input.trip.map_or(Ok(Trip::default()), Trip::try_from),
        )
            .all_valid()?;
        Ok(NewVisit { name, procedure, procedure_id: None, phone, citizen_id, note, trip })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_valid_gives_every_fields_error_in_order_or_every_value() {
        let ok: Result<u8, InputError> = Ok(1);
        assert_eq!((ok.clone(), Ok::<_, InputError>("a")).all_valid(), Ok((1, "a")));
        let both = (Err::<u8, _>(InputError::NameEmpty), ok, Err::<u8, _>(InputError::PhoneInvalid), Ok::<u8, _>(2))
            .all_valid();
        assert_eq!(both, Err(vec![InputError::NameEmpty, InputError::PhoneInvalid]));
    }

    #[test]
    fn a_letter_keeps_its_paragraphs_but_not_stray_space() {
        let raw = "  Kính gửi UBND xã,  \r\n\r\n\r\nĐường   ngập nước.\n\n".to_owned();
        let content = FeedbackContent::try_from(raw).unwrap();
        assert_eq!(content.as_str(), "Kính gửi UBND xã,\n\nĐường ngập nước.");
        assert_eq!(FeedbackContent::try_from(" \n \n".to_owned()), Err(InputError::ContentEmpty));
    }

    #[test]
    fn control_characters_are_refused_except_line_breaks_and_tabs_in_multi_line_fields() {
        let bell = name("Nguyễn\u{7} Văn A").unwrap_err();
        assert_eq!(bell, InputError::ControlCharacter { field: InputField::Name, code: "U+0007".into() });
        assert!(bell.to_string().starts_with("Họ tên"), "{bell}");
        assert_eq!(bell.field(), InputField::Name);
        assert!(name("Trần\tVăn").is_err(), "a name is one line");
        assert!(name("Trần\u{1b}[31mVăn").is_err());
        assert!(OfficialName::try_from("Lê\u{0}Hoa".to_owned()).is_err());
        // Letters, replies and notes keep their lines and tabs; other controls are refused.
        let letter = FeedbackContent::try_from("Kính gửi UBND xã,\n\tĐường ngập.".to_owned()).unwrap();
        assert_eq!(letter.as_str(), "Kính gửi UBND xã,\nĐường ngập.");
        assert!(Note::try_from("dòng 1\r\ndòng 2\tcột".to_owned()).is_ok());
        assert_eq!(
            Reply::try_from("Đã xử lý\u{8}".to_owned()),
            Err(InputError::ControlCharacter { field: InputField::Reply, code: "U+0008".into() })
        );
    }

    #[test]
    fn tickets_read_and_print_alike_and_each_pc_has_its_series() {
        let t = Ticket::try_from("B007".to_owned()).unwrap();
        assert_eq!((t.series(), t.number(), t.to_string()), ('B', 7, "B007".to_owned()));
        assert_eq!(Ticket::new('C', 1234).unwrap().to_string(), "C1234");
        for bad in ["", "7", "b007", "B", "B0", "B10000", "B-1", "ÂB1"] {
            assert_eq!(Ticket::try_from(bad.to_owned()), Err(InputError::TicketInvalid), "{bad:?}");
        }
        assert_eq!([1, 2, 26, 27].map(Ticket::series_for), ['A', 'B', 'Z', 'A']);
        assert_eq!(Ticket::series_for(0), 'A');
    }

    fn name(raw: &str) -> Result<VisitorName, InputError> {
        VisitorName::try_from(raw.to_owned())
    }

    fn phone(raw: &str) -> Result<String, InputError> {
        Phone::try_from(raw.to_owned()).map(String::from)
    }

    #[test]
    fn a_name_typed_in_decomposed_form_is_stored_composed() {
        // "Nguyễn Thị Ánh" typed with combining marks, as some Vietnamese keyboards do.
        let decomposed = "Nguye\u{0302}\u{0303}n Thi\u{0323} A\u{0301}nh";
        let parsed = name(decomposed).unwrap();
        assert_eq!(parsed.as_str(), "Nguyễn Thị Ánh");
        assert_eq!(parsed.as_str().chars().count(), 14);
    }

    #[test]
    fn a_name_is_trimmed_and_inner_spaces_folded() {
        assert_eq!(name("  Trần   Văn  Bình \t").unwrap().as_str(), "Trần Văn Bình");
    }

    #[test]
    fn empty_and_blank_names_are_refused() {
        assert_eq!(name(""), Err(InputError::NameEmpty));
        assert_eq!(name(" \t\n "), Err(InputError::NameEmpty));
    }

    #[test]
    fn names_are_limited_to_100_characters_not_bytes() {
        let hundred = "Ấ".repeat(100); // 3 bytes each in UTF-8
        assert!(name(&hundred).is_ok());
        assert_eq!(name(&"Ấ".repeat(101)), Err(InputError::NameTooLong { max: 100 }));
    }

    #[test]
    fn phone_forms_normalise_to_the_national_digits() {
        for raw in ["0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678", "+84-912-345-678"] {
            assert_eq!(phone(raw).as_deref(), Ok("0912345678"), "{raw}");
        }
        assert_eq!(phone("(028) 3829 1234").as_deref(), Ok("02838291234"));
        assert_eq!(phone("+84 28 3829 1234").as_deref(), Ok("02838291234"));
    }

    #[test]
    fn bad_phones_are_refused() {
        for raw in ["12345", "0112345678", "091234567", "09123456789", "0912a45678", "+1 212 555 0100", "+0912345678"] {
            assert_eq!(phone(raw), Err(InputError::PhoneInvalid), "{raw}");
        }
    }

    #[test]
    fn citizen_id_is_exactly_twelve_digits() {
        assert!(CitizenId::try_from("079 203 001 234".to_owned()).is_ok());
        assert_eq!(CitizenId::try_from("07920300123".to_owned()), Err(InputError::CitizenIdInvalid));
        assert_eq!(CitizenId::try_from("0792030012345".to_owned()), Err(InputError::CitizenIdInvalid));
        assert_eq!(CitizenId::try_from("07920300123x".to_owned()), Err(InputError::CitizenIdInvalid));
    }

    #[test]
    fn trips_are_first_second_or_repeated() {
        let trip = |n| {
            NewVisit::parse(VisitInput { name: "An".into(), trip: n, ..Default::default() }).map(|v| u8::from(v.trip))
        };
        assert_eq!(trip(None), Ok(1));
        assert_eq!(trip(Some(2)), Ok(2));
        assert_eq!(trip(Some(7)), Ok(3), "7 trips count as 3 or more");
        assert_eq!(trip(Some(0)), Err(vec![InputError::TripInvalid]));
    }

    #[test]
    fn parse_reports_every_bad_field_and_treats_blank_optionals_as_absent() {
        let errors = NewVisit::parse(VisitInput {
            name: " ".into(),
            phone: Some("123".into()),
            citizen_id: Some("1".into()),
            procedure: Some("   ".into()),
            note: None,
            trip: None,
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(InputError::field).collect();
        assert_eq!(fields, [InputField::Name, InputField::Phone, InputField::CitizenId]);

        let ok =
            NewVisit::parse(VisitInput { name: "Lê Văn C".into(), procedure: Some("".into()), ..Default::default() })
                .unwrap();
        assert_eq!(ok.procedure, None);
    }
}
