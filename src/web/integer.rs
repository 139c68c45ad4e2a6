//! Integers in request bodies as JSON Schema counts them: `3` and `3.0` are the same integer.
//! serde refuses `3.0` for an `i32`; these accept it, and a form's `"3"` as before.
//! ```ignore
//! #[serde(deserialize_with = "crate::web::integer::i32")]
//! pub unit_id: i32,
//! ```
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

struct I32;

impl Visitor<'_> for I32 {
    type Value = i32;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer that fits in 32 bits")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i32, E> {
        i32::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i32, E> {
        i32::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    #[expect(clippy::cast_possible_truncation, reason = "only whole numbers within i32's range reach the cast")]
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i32, E> {
        let whole = v.fract() == 0.0 && v >= f64::from(i32::MIN) && v <= f64::from(i32::MAX);
        if whole { Ok(v as i32) } else { Err(E::invalid_value(de::Unexpected::Float(v), &self)) }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i32, E> {
        v.trim().parse().map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// # Errors
/// Anything but a whole number within `i32`.
pub fn i32<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    d.deserialize_any(I32)
}

struct OptionI32;

impl<'de> Visitor<'de> for OptionI32 {
    type Value = Option<i32>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or an integer that fits in 32 bits")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<i32>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<i32>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<i32>, D::Error> {
        i32(d).map(Some)
    }
}

/// As [`i32`], for an optional field (use with `#[serde(default)]`).
///
/// # Errors
/// As [`i32`].
pub fn option_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    d.deserialize_option(OptionI32)
}

/// As [`i32`], for every item of a list.
///
/// # Errors
/// As [`i32`], for any item.
pub fn vec_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i32>, D::Error> {
    struct Item(i32);
    impl<'de> serde::Deserialize<'de> for Item {
        fn deserialize<E: Deserializer<'de>>(d: E) -> Result<Self, E::Error> {
            i32(d).map(Item)
        }
    }
    Ok(<Vec<Item> as serde::Deserialize>::deserialize(d)?.into_iter().map(|i| i.0).collect())
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "super::i32")]
        id: i32,
        #[serde(default, deserialize_with = "super::option_i32")]
        parent: Option<i32>,
    }

    fn read(json: &str) -> Option<(i32, Option<i32>)> {
        serde_json::from_str::<Body>(json).ok().map(|b| (b.id, b.parent))
    }

    #[test]
    fn whole_numbers_are_integers_however_written() {
        assert_eq!(read(r#"{"id": 3.0, "parent": -4}"#), Some((3, Some(-4))));
        assert_eq!(read(r#"{"id": 3, "parent": null}"#), Some((3, None)));
        assert_eq!(read(r#"{"id": 3}"#), Some((3, None)));
        assert_eq!(read(r#"{"id": 3.5}"#), None);
        assert_eq!(read(r#"{"id": 4294967296}"#), None);
        assert_eq!(read(r#"{"id": "7"}"#), Some((7, None)), "as a form sends it");
    }
}
