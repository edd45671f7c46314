//! The 194 countries (embedded from `data/countries.tsv`) and their files.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::body::Bytes;

use crate::art;

/// One row of `data/countries.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166 code, upper case: `CN`.
    pub iso_cc: &'static str,
    pub name: &'static str,
    /// Internet top-level domain: `.cn`.
    pub tld_cc: &'static str,
    /// CIA World Factbook (GEC) code: `CH`.
    pub gec_cc: &'static str,
}

const TSV: &str = include_str!("../data/countries.tsv");

/// The 194 countries the server has flags for, sorted by code.
pub static COUNTRIES: LazyLock<Vec<Country>> = LazyLock::new(|| {
    TSV.lines()
        .skip(1) // header
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [iso_cc, name, tld_cc, gec_cc] = fields[..] else {
                panic!("countries.tsv: expected 4 fields in {line:?}");
            };
            Country {
                iso_cc,
                name,
                tld_cc,
                gec_cc,
            }
        })
        .collect()
});

/// The 194 codes, upper case, sorted: the book's `-a`.
pub fn all_cc() -> Vec<String> {
    COUNTRIES.iter().map(|c| c.iso_cc.to_string()).collect()
}

/// What the server answers for one country.
pub(crate) struct Flag {
    pub gif: Bytes,
    pub metadata: String,
}

/// Painted once per process: 194 small images take a moment in a debug build,
/// and tests start many servers.
static FLAGS: LazyLock<HashMap<String, Flag>> = LazyLock::new(|| {
    COUNTRIES
        .iter()
        .map(|c| {
            let flag = Flag {
                gif: Bytes::from(art::flag_gif(c.iso_cc)),
                metadata: metadata_json(c),
            };
            (c.iso_cc.to_lowercase(), flag)
        })
        .collect()
});

pub(crate) fn warm_up() {
    LazyLock::force(&FLAGS);
}

/// The flag for a lower-case code, as the URL spells it.
pub(crate) fn lookup(cc: &str) -> Option<&'static Flag> {
    FLAGS.get(cc)
}

/// The exact bytes the server sends for `cc` (either case), or `None` for a
/// code with no flag. Tests compare downloaded files against this.
pub fn flag_gif(cc: &str) -> Option<Bytes> {
    lookup(&cc.to_lowercase()).map(|flag| flag.gif.clone())
}

/// `{"country": ..., "iso_cc": ..., "tld_cc": ..., "gec_cc": ...}`, the shape
/// of the book's `metadata.json`.
pub fn metadata_json(c: &Country) -> String {
    serde_json::json!({
        "country": c.name,
        "iso_cc": c.iso_cc,
        "tld_cc": c.tld_cc,
        "gec_cc": c.gec_cc,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_194_countries_with_unique_codes() {
        assert_eq!(COUNTRIES.len(), 194);
        assert_eq!(FLAGS.len(), 194);
        let china = COUNTRIES.iter().find(|c| c.iso_cc == "CN").unwrap();
        assert_eq!(
            (china.name, china.tld_cc, china.gec_cc),
            ("China", ".cn", "CH")
        );
    }
}
