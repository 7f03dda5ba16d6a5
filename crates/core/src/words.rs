//! Closed sets of words (channels, kinds, roles, check items, statuses, formats…): each with its
//! stable wire name, the spellings people type, and its Vietnamese label, from one declaration.

/// Generates a closed set of words with their wire form, the forms people type, and a label.
/// `parse` refuses other words with `$error`, an `InputError` (in scope where it is used).
macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident, $error:expr, { $($(#[$vdoc:meta])* $variant:ident = $wire:literal $(| $typed:literal)* => $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $wire)] $variant),+
        }

        // Its schema by hand: the wire names, which a derive cannot read through the macro.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used on the wire, in the CLI and in the database.
            pub fn wire(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// The Vietnamese label shown on screen and in reports.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Reads the wire name or any accepted spelling ("in-person" for "in_person").
            pub fn parse(text: &str) -> Result<$name, InputError> {
                let text = $crate::normal_form::lowercase(text.trim());
                match text.as_str() {
                    $($wire $(| $typed)* => Ok($name::$variant),)+
                    _ => Err($error),
                }
            }
        }
    };
}
pub(crate) use word_enum;
