//! In which area a rule falls: one of kubecheck's seven, or a plugin's own.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest category name a plugin may declare.
pub const MAX_CATEGORY_LEN: usize = 32;

/// The built-in areas, plus any category a plugin declares (an organisation's `cost`,
/// `naming`, `compliance`): every output shows the name as it is, and the name is a rule
/// selector like the built-in ones (`--only cost`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Rbac,
    Network,
    PodSecurity,
    Secrets,
    Encryption,
    Patching,
    /// Problems with the manifest itself (duplicate keys, values of the wrong type) that
    /// can hide or change any security setting.
    Manifest,
    /// A plugin's own category; never the name of a built-in one.
    Custom(CustomCategory),
}

/// A plugin-declared category name, checked by [`is_category_name`]; only made by
/// parsing, so it never spells a built-in category.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomCategory(String);

impl CustomCategory {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `name` may be a plugin's category: `^[a-z][a-z0-9-]{0,31}$`, and not `all` or
/// `pss`, which are selectors of their own.
pub fn is_category_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.len() <= MAX_CATEGORY_LEN
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !["all", "pss"].contains(&name)
}

impl Category {
    /// The built-in categories, in documentation order.
    pub const ALL: [Category; 7] = [
        Category::Rbac,
        Category::Network,
        Category::PodSecurity,
        Category::Secrets,
        Category::Encryption,
        Category::Patching,
        Category::Manifest,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            Category::Rbac => "rbac",
            Category::Network => "network",
            Category::PodSecurity => "pod-security",
            Category::Secrets => "secrets",
            Category::Encryption => "encryption",
            Category::Patching => "patching",
            Category::Manifest => "manifest",
            Category::Custom(custom) => custom.as_str(),
        }
    }

    pub fn is_builtin(&self) -> bool {
        !matches!(self, Category::Custom(_))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(builtin) = Category::ALL.into_iter().find(|c| c.as_str() == s) {
            return Ok(builtin);
        }
        if is_category_name(s) {
            return Ok(Category::Custom(CustomCategory(s.to_owned())));
        }
        Err(format!(
            "category `{s}` is neither a built-in one nor 1-{MAX_CATEGORY_LEN} characters of \
             a-z, 0-9 and `-` starting with a letter (and not `all` or `pss`)"
        ))
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_names_parse_to_builtin_categories_and_others_to_custom_ones() {
        for category in Category::ALL {
            assert_eq!(category.as_str().parse::<Category>(), Ok(category.clone()));
            assert!(category.is_builtin());
        }
        let cost: Category = "cost".parse().unwrap();
        assert!(!cost.is_builtin());
        assert_eq!(cost.to_string(), "cost");
        assert_eq!(serde_json::to_string(&cost).unwrap(), "\"cost\"");
        assert_eq!(
            serde_json::from_str::<Category>("\"pod-security\"").unwrap(),
            Category::PodSecurity
        );
    }

    #[test]
    fn names_outside_the_pattern_are_refused() {
        let longest = "a".repeat(MAX_CATEGORY_LEN);
        assert!(is_category_name(&longest));
        for bad in [
            "",
            "Cost",
            "9lives",
            "-x",
            "a_b",
            "all",
            "pss",
            &format!("{longest}a"),
        ] {
            assert!(bad.parse::<Category>().is_err(), "{bad}");
        }
        let error = serde_json::from_str::<Category>("\"Cost\"").unwrap_err();
        assert!(error.to_string().contains("category `Cost`"), "{error}");
    }
}
