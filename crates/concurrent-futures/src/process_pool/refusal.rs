//! Why serde refused a value, in its own words.
//!
//! postcard keeps only the kind of a failure: a `Serialize` impl that says
//! `Error::custom("cannot pickle 'function' object")` reaches us as "Serde
//! Serialization Error". Python's `PicklingError` names the culprit, and so
//! should ours: after postcard fails, the value is serialized once more into
//! [`Probe`], a serializer that writes nothing and keeps the first message.

use std::fmt::{self, Display};

use serde::Serialize;
use serde::ser;

/// Why `value` would not serialize: serde's message if its `Serialize` gave
/// one, else postcard's `error`.
pub(super) fn why<T: Serialize + ?Sized>(
    value: &T,
    error: postcard::Error,
) -> String {
    match value.serialize(Probe) {
        Err(Refused(message)) => message,
        Ok(()) => error.to_string(),
    }
}

/// A serializer that discards everything; only a refusal comes out of it.
struct Probe;

/// The message a `Serialize` impl (or one of its fields) refused with.
#[derive(Debug)]
struct Refused(String);

impl Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

impl ser::Error for Refused {
    fn custom<M: Display>(message: M) -> Refused {
        Refused(message.to_string())
    }
}

/// The scalar methods all accept and discard.
macro_rules! discard {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, _: $ty) -> Result<(), Refused> {
            Ok(())
        })*
    };
}

impl ser::Serializer for Probe {
    type Ok = ();
    type Error = Refused;
    type SerializeSeq = Probe;
    type SerializeTuple = Probe;
    type SerializeTupleStruct = Probe;
    type SerializeTupleVariant = Probe;
    type SerializeMap = Probe;
    type SerializeStruct = Probe;
    type SerializeStructVariant = Probe;

    discard!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_none(self) -> Result<(), Refused> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(
        self,
        value: &T,
    ) -> Result<(), Refused> {
        value.serialize(Probe)
    }
    fn serialize_unit(self) -> Result<(), Refused> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), Refused> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Refused> {
        value.serialize(Probe)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), Refused> {
        value.serialize(Probe)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Probe, Refused> {
        Ok(Probe)
    }
    fn serialize_tuple(self, _: usize) -> Result<Probe, Refused> {
        Ok(Probe)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Probe, Refused> {
        Ok(Probe)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Probe, Refused> {
        Ok(Probe)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Probe, Refused> {
        Ok(Probe)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Probe, Refused> {
        Ok(Probe)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Probe, Refused> {
        Ok(Probe)
    }
}

/// Each compound serializes its parts into another probe, and ends.
macro_rules! compound {
    ($($trait:ident { $($method:ident($($name:ident: $ty:ty),*)),* }),* $(,)?) => {
        $(impl ser::$trait for Probe {
            type Ok = ();
            type Error = Refused;
            $(fn $method<T: Serialize + ?Sized>(&mut self, $($name: $ty,)* value: &T) -> Result<(), Refused> {
                $(let _ = $name;)*
                value.serialize(Probe)
            })*
            fn end(self) -> Result<(), Refused> {
                Ok(())
            }
        })*
    };
}

compound!(
    SerializeSeq { serialize_element() },
    SerializeTuple { serialize_element() },
    SerializeTupleStruct { serialize_field() },
    SerializeTupleVariant { serialize_field() },
    SerializeStruct { serialize_field(key: &'static str) },
    SerializeStructVariant { serialize_field(key: &'static str) },
);

impl ser::SerializeMap for Probe {
    type Ok = ();
    type Error = Refused;
    fn serialize_key<T: Serialize + ?Sized>(
        &mut self,
        key: &T,
    ) -> Result<(), Refused> {
        key.serialize(Probe)
    }
    fn serialize_value<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), Refused> {
        value.serialize(Probe)
    }
    fn end(self) -> Result<(), Refused> {
        Ok(())
    }
}
