//! The commune's officials directory: who serves at which counter, and whose phone the office
//! publishes (the "friendly government" model asks for officials' numbers to be public).

use crate::visit::AllValid;
use crate::visit::{Counter, InputError, OfficialName, Phone};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Payload of `official.listed`: an official's whole entry as it stands now. The latest clock
/// wins for the entry, so a correction is just a newer listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialListed {
    pub name: OfficialName,
    /// Chức danh, e.g. "Công chức Tư pháp - Hộ tịch".
    pub title: OfficialName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<Counter>,
    /// Whether the phone may be shown on the public board.
    #[serde(default)]
    pub phone_published: bool,
    /// An official who left stays in the log but off the lists.
    #[serde(default = "yes")]
    pub active: bool,
    /// Chủ tịch or Phó Chủ tịch: the plan asks for the leaders' phones above all. Left out of
    /// the payload when false, so an entry without it reads as before on every build.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leader: bool,
}

fn yes() -> bool {
    true
}

/// What the desk types for an official, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficialInput {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub counter: Option<u16>,
    #[serde(default)]
    pub phone_published: bool,
    #[serde(default)]
    pub leader: bool,
}

impl OfficialListed {
    /// Checks every field and reports every problem at once. A published phone needs a phone.
    pub fn parse(input: OfficialInput) -> Result<OfficialListed, Vec<InputError>> {
        let name = OfficialName::try_from(input.name);
        let title = OfficialName::try_from(input.title).map_err(|_| InputError::OfficialTitleMissing);
        let phone = crate::visit::fields::optional::<Phone>(input.phone);
        let counter = input.counter.map(Counter::try_from).transpose();
        let (name, title, phone, counter) = (name, title, phone, counter).all_valid()?;
        if input.phone_published && phone.is_none() {
            return Err(vec![InputError::PhoneInvalid]);
        }
        Ok(OfficialListed {
            name,
            title,
            phone,
            counter,
            phone_published: input.phone_published,
            active: true,
            leader: input.leader,
        })
    }
}

/// An official as listed on screen, by the CLI and on the public board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Official {
    pub id: Uuid,
    pub name: String,
    pub title: String,
    pub phone: Option<String>,
    pub counter: Option<u16>,
    pub phone_published: bool,
    #[serde(default)]
    pub leader: bool,
}

impl From<Official> for OfficialInput {
    /// The entry as typed again: what a correction or a taking off starts from.
    fn from(o: Official) -> Self {
        OfficialInput {
            name: o.name,
            title: o.title,
            phone: o.phone,
            counter: o.counter,
            phone_published: o.phone_published,
            leader: o.leader,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_official_needs_a_name_and_a_title_and_a_published_phone_needs_a_phone() {
        let input = OfficialInput {
            name: " Lê  Thị Hoa ".into(),
            title: "Công chức Văn phòng - Thống kê".into(),
            phone: Some("0912 345 678".into()),
            counter: Some(2),
            phone_published: true,
            leader: false,
        };
        let listed = OfficialListed::parse(input.clone()).unwrap();
        // Not a leader: the payload reads exactly as before the mark existed.
        assert!(!serde_json::to_string(&listed).unwrap().contains("leader"));
        let chair = OfficialListed::parse(OfficialInput { leader: true, ..input.clone() }).unwrap();
        let json = serde_json::to_string(&chair).unwrap();
        assert!(json.contains("\"leader\":true"));
        assert_eq!(serde_json::from_str::<OfficialListed>(&json).unwrap(), chair);
        assert_eq!((listed.name.as_str(), listed.phone.unwrap().as_str()), ("Lê Thị Hoa", "0912345678"));
        let no_phone = OfficialInput { phone: None, ..input.clone() };
        assert_eq!(OfficialListed::parse(no_phone), Err(vec![InputError::PhoneInvalid]));
        let empty = OfficialInput { name: " ".into(), title: String::new(), counter: Some(0), ..input };
        assert_eq!(
            OfficialListed::parse(empty),
            Err(vec![InputError::OfficialEmpty, InputError::OfficialTitleMissing, InputError::CounterInvalid])
        );
        // Older listings without `active` are active.
        let old: OfficialListed = serde_json::from_str(r#"{"name":"An","title":"Chủ tịch"}"#).unwrap();
        assert!(old.active && !old.phone_published);
    }
}
