//! Paints the flags. Every image is computed from the country code alone, so
//! the bytes are the same on every run and every machine, and nothing is shipped.
//!
//! The 20 countries of the chapter's POP20 list get simplified but recognisable
//! designs; every other code gets a generic design (stripes, a disc, a cross ...)
//! chosen and coloured by a hash of the code.

use std::f64::consts::PI;

/// Size of every flag, 3:2 like most of the book's GIFs.
pub const WIDTH: u16 = 480;
pub const HEIGHT: u16 = 320;

/// One palette for all flags: a GIF stores indices into it.
const PALETTE: [[u8; 3]; 12] = [
    [255, 255, 255], // WHITE
    [0, 0, 0],       // BLACK
    [206, 17, 38],   // RED
    [0, 122, 61],    // GREEN
    [0, 56, 147],    // BLUE
    [252, 209, 22],  // YELLOW
    [255, 153, 51],  // SAFFRON
    [0, 32, 91],     // NAVY
    [0, 127, 255],   // SKY
    [192, 147, 0],   // GOLD
    [140, 90, 40],   // BROWN
    [1, 106, 56],    // DARK GREEN
];
const WHITE: u8 = 0;
const BLACK: u8 = 1;
const RED: u8 = 2;
const GREEN: u8 = 3;
const BLUE: u8 = 4;
const YELLOW: u8 = 5;
const SAFFRON: u8 = 6;
const NAVY: u8 = 7;
const SKY: u8 = 8;
const GOLD: u8 = 9;
const BROWN: u8 = 10;
const DARK_GREEN: u8 = 11;

/// Encodes the flag of `cc` (upper-case ISO code) as a GIF.
pub fn flag_gif(cc: &str) -> Vec<u8> {
    let mut canvas = Canvas::new();
    if !paint_pop20(&mut canvas, cc) {
        paint_generic(&mut canvas, cc);
    }
    canvas.encode()
}

/// A grid of palette indices, with the few shapes flags are made of.
/// Coordinates are fractions of the width and height, so designs read like specs.
struct Canvas {
    pixels: Vec<u8>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            pixels: vec![WHITE; usize::from(WIDTH) * usize::from(HEIGHT)],
        }
    }

    /// Colours every pixel whose centre (x, y in 0..1) satisfies `inside`.
    fn fill(&mut self, colour: u8, inside: impl Fn(f64, f64) -> bool) {
        self.fill_within(colour, (0.0, 0.0, 1.0, 1.0), inside);
    }

    /// Like `fill`, but only looks at pixels in the box (x0, y0, x1, y1): small
    /// shapes like the 50 stars of the US flag stay cheap to paint.
    fn fill_within(
        &mut self,
        colour: u8,
        (x0, y0, x1, y1): (f64, f64, f64, f64),
        inside: impl Fn(f64, f64) -> bool,
    ) {
        let (w, h) = (usize::from(WIDTH), usize::from(HEIGHT));
        let span = |lo: f64, hi: f64, n: usize| {
            let lo = (lo * n as f64).floor().clamp(0.0, n as f64) as usize;
            let hi = (hi * n as f64).ceil().clamp(0.0, n as f64) as usize;
            lo..hi
        };
        for row in span(y0, y1, h) {
            for col in span(x0, x1, w) {
                let x = (col as f64 + 0.5) / w as f64;
                let y = (row as f64 + 0.5) / h as f64;
                if inside(x, y) {
                    self.pixels[row * w + col] = colour;
                }
            }
        }
    }

    fn all(&mut self, colour: u8) {
        self.fill(colour, |_, _| true);
    }

    fn rect(&mut self, colour: u8, x0: f64, y0: f64, x1: f64, y1: f64) {
        self.fill(colour, |x, y| x >= x0 && x < x1 && y >= y0 && y < y1);
    }

    fn horizontal(&mut self, colours: &[u8]) {
        let n = colours.len() as f64;
        for (i, &c) in colours.iter().enumerate() {
            self.rect(c, 0.0, i as f64 / n, 1.0, (i + 1) as f64 / n);
        }
    }

    fn vertical(&mut self, colours: &[u8]) {
        let n = colours.len() as f64;
        for (i, &c) in colours.iter().enumerate() {
            self.rect(c, i as f64 / n, 0.0, (i + 1) as f64 / n, 1.0);
        }
    }

    /// A disc; `r` is a fraction of the height, so discs stay round.
    fn disc(&mut self, colour: u8, cx: f64, cy: f64, r: f64) {
        let aspect = f64::from(WIDTH) / f64::from(HEIGHT);
        let bbox = (cx - r / aspect, cy - r, cx + r / aspect, cy + r);
        self.fill_within(colour, bbox, |x, y| {
            ((x - cx) * aspect).powi(2) + (y - cy).powi(2) <= r * r
        });
    }

    /// A polygon given by corners in (x, y) fractions.
    fn polygon(&mut self, colour: u8, corners: &[(f64, f64)]) {
        let xs = corners.iter().map(|c| c.0);
        let ys = corners.iter().map(|c| c.1);
        let bbox = (
            xs.clone().fold(f64::INFINITY, f64::min),
            ys.clone().fold(f64::INFINITY, f64::min),
            xs.fold(f64::NEG_INFINITY, f64::max),
            ys.fold(f64::NEG_INFINITY, f64::max),
        );
        self.fill_within(colour, bbox, |x, y| point_in_polygon(x, y, corners));
    }

    /// A five-pointed star with outer radius `r` (fraction of the height).
    fn star(&mut self, colour: u8, cx: f64, cy: f64, r: f64, turn: f64) {
        let aspect = f64::from(WIDTH) / f64::from(HEIGHT);
        let corners: Vec<(f64, f64)> = (0..10)
            .map(|i| {
                let radius = if i % 2 == 0 { r } else { r * 0.382 };
                let angle = turn - PI / 2.0 + f64::from(i) * PI / 5.0;
                (
                    cx + radius * angle.cos() / aspect,
                    cy + radius * angle.sin(),
                )
            })
            .collect();
        self.polygon(colour, &corners);
    }

    fn encode(&self) -> Vec<u8> {
        let palette: Vec<u8> = PALETTE.iter().flatten().copied().collect();
        let mut bytes = Vec::new();
        let mut encoder = gif::Encoder::new(&mut bytes, WIDTH, HEIGHT, &palette)
            .expect("writing to a Vec cannot fail");
        let frame = gif::Frame::from_indexed_pixels(
            WIDTH,
            HEIGHT,
            self.pixels.clone(),
            None,
        );
        encoder
            .write_frame(&frame)
            .expect("writing to a Vec cannot fail");
        drop(encoder);
        bytes
    }
}

/// Even-odd rule: count how many edges a ray to the right crosses.
fn point_in_polygon(x: f64, y: f64, corners: &[(f64, f64)]) -> bool {
    let mut inside = false;
    let mut j = corners.len() - 1;
    for i in 0..corners.len() {
        let (xi, yi) = corners[i];
        let (xj, yj) = corners[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// The chapter's 20 countries. Returns false for any other code.
fn paint_pop20(c: &mut Canvas, cc: &str) -> bool {
    match cc {
        "CN" => {
            c.all(RED);
            c.star(YELLOW, 0.17, 0.25, 0.15, 0.0);
            for (x, y) in [(0.33, 0.1), (0.4, 0.2), (0.4, 0.35), (0.33, 0.45)] {
                c.star(YELLOW, x, y, 0.05, 0.3);
            }
        }
        "IN" => {
            c.horizontal(&[SAFFRON, WHITE, GREEN]);
            c.disc(NAVY, 0.5, 0.5, 0.13);
            c.disc(WHITE, 0.5, 0.5, 0.11);
            c.disc(NAVY, 0.5, 0.5, 0.03);
            for k in 0..12 {
                let a = f64::from(k) * PI / 12.0;
                let (dx, dy) = (a.cos() * 0.11 / 1.5, a.sin() * 0.11);
                c.polygon(
                    NAVY,
                    &[
                        (0.5 - dx, 0.5 - dy),
                        (0.5 - dx + 0.004, 0.5 - dy),
                        (0.5 + dx + 0.004, 0.5 + dy),
                        (0.5 + dx, 0.5 + dy),
                    ],
                );
            }
        }
        "US" => {
            let stripes: Vec<u8> = (0..13)
                .map(|i| if i % 2 == 0 { RED } else { WHITE })
                .collect();
            c.horizontal(&stripes);
            c.rect(NAVY, 0.0, 0.0, 0.4, 7.0 / 13.0);
            for row in 0..9 {
                let stars = if row % 2 == 0 { 6 } else { 5 };
                let shift = if row % 2 == 0 { 0.0 } else { 0.5 };
                for col in 0..stars {
                    let x = 0.4 * (f64::from(col) + 0.5 + shift) / 6.0;
                    let y = (7.0 / 13.0) * (f64::from(row) + 0.5) / 9.0;
                    c.star(WHITE, x, y, 0.022, 0.0);
                }
            }
        }
        "ID" => c.horizontal(&[RED, WHITE]),
        "BR" => {
            c.all(GREEN);
            c.polygon(
                YELLOW,
                &[(0.5, 0.08), (0.93, 0.5), (0.5, 0.92), (0.07, 0.5)],
            );
            c.disc(NAVY, 0.5, 0.5, 0.25);
            // The white motto band: a slice of a ring, clipped to the blue disc.
            c.fill(WHITE, |x, y| {
                let in_disc = ((x - 0.5) * 1.5).powi(2) + (y - 0.5).powi(2) < 0.0625;
                let ring = ((x - 0.5) * 1.5).hypot(y - 0.9);
                in_disc && (0.38..0.43).contains(&ring)
            });
        }
        "PK" => {
            c.all(DARK_GREEN);
            c.rect(WHITE, 0.0, 0.0, 0.25, 1.0);
            c.disc(WHITE, 0.62, 0.5, 0.28);
            c.disc(DARK_GREEN, 0.66, 0.45, 0.25);
            c.star(WHITE, 0.72, 0.38, 0.09, 0.5);
        }
        "NG" => c.vertical(&[GREEN, WHITE, GREEN]),
        "BD" => {
            c.all(DARK_GREEN);
            c.disc(RED, 0.45, 0.5, 0.3);
        }
        "RU" => c.horizontal(&[WHITE, BLUE, RED]),
        "JP" => c.disc(RED, 0.5, 0.5, 0.3),
        "MX" => {
            c.vertical(&[GREEN, WHITE, RED]);
            c.disc(BROWN, 0.5, 0.5, 0.14);
            c.disc(GREEN, 0.5, 0.62, 0.05);
        }
        "PH" => {
            c.horizontal(&[BLUE, RED]);
            c.polygon(WHITE, &[(0.0, 0.0), (0.43, 0.5), (0.0, 1.0)]);
            c.disc(YELLOW, 0.14, 0.5, 0.09);
            for (x, y) in [(0.05, 0.12), (0.05, 0.88), (0.33, 0.5)] {
                c.star(YELLOW, x, y, 0.045, 0.0);
            }
        }
        "VN" => {
            c.all(RED);
            c.star(YELLOW, 0.5, 0.52, 0.3, 0.0);
        }
        "ET" => {
            c.horizontal(&[GREEN, YELLOW, RED]);
            c.disc(BLUE, 0.5, 0.5, 0.25);
            c.star(YELLOW, 0.5, 0.52, 0.2, 0.0);
            c.star(BLUE, 0.5, 0.52, 0.13, 0.0);
        }
        "EG" => {
            c.horizontal(&[RED, WHITE, BLACK]);
            c.polygon(
                GOLD,
                &[
                    (0.5, 0.36),
                    (0.56, 0.45),
                    (0.54, 0.63),
                    (0.46, 0.63),
                    (0.44, 0.45),
                ],
            );
        }
        "DE" => c.horizontal(&[BLACK, RED, YELLOW]),
        "IR" => {
            c.horizontal(&[GREEN, WHITE, RED]);
            c.disc(RED, 0.5, 0.5, 0.12);
            c.disc(WHITE, 0.5, 0.5, 0.09);
            c.rect(RED, 0.49, 0.39, 0.51, 0.61);
        }
        "TR" => {
            c.all(RED);
            c.disc(WHITE, 0.37, 0.5, 0.25);
            c.disc(RED, 0.405, 0.5, 0.2);
            c.star(WHITE, 0.56, 0.5, 0.12, -PI / 10.0);
        }
        "CD" => {
            c.all(SKY);
            let band =
                |x: f64, y: f64, width: f64| ((x * 1.5 + y) - 1.25).abs() < width;
            c.fill(YELLOW, |x, y| band(x, y, 0.22));
            c.fill(RED, |x, y| band(x, y, 0.16));
            c.star(YELLOW, 0.16, 0.22, 0.16, 0.0);
        }
        "FR" => c.vertical(&[BLUE, WHITE, RED]),
        _ => return false,
    }
    true
}

/// Any other code: a layout and colours picked by a hash of the code, so the
/// same code always gets the same flag and neighbours (AB, AC) look different.
fn paint_generic(c: &mut Canvas, cc: &str) {
    let mut h = fnv1a(cc.as_bytes());
    let mut pick = |n: u64| {
        h = splitmix64(h);
        (h % n) as usize
    };
    const COLOURS: [u8; 10] = [
        WHITE, BLACK, RED, GREEN, BLUE, YELLOW, SAFFRON, NAVY, SKY, DARK_GREEN,
    ];
    let mut colours = Vec::new();
    while colours.len() < 3 {
        let colour = COLOURS[pick(COLOURS.len() as u64)];
        if colours.last() != Some(&colour) && colours.first() != Some(&colour) {
            colours.push(colour);
        }
    }
    let [a, b, d] = [colours[0], colours[1], colours[2]];
    match pick(6) {
        0 => c.horizontal(&[a, b, d]),
        1 => c.vertical(&[a, b, d]),
        2 => {
            c.horizontal(&[a, b]);
            c.disc(d, 0.5, 0.5, 0.22);
        }
        3 => {
            // A Nordic cross.
            c.all(a);
            c.rect(b, 0.0, 0.38, 1.0, 0.62);
            c.rect(b, 0.3, 0.0, 0.46, 1.0);
            c.rect(d, 0.0, 0.44, 1.0, 0.56);
            c.rect(d, 0.34, 0.0, 0.42, 1.0);
        }
        4 => {
            c.fill(a, |x, y| x * 1.5 < 1.5 - y * 1.5);
            c.fill(b, |x, y| x * 1.5 >= 1.5 - y * 1.5);
            c.star(d, 0.2, 0.25, 0.13, 0.0);
        }
        _ => {
            c.horizontal(&[a, b, a]);
            c.polygon(d, &[(0.0, 0.0), (0.4, 0.5), (0.0, 1.0)]);
            c.star(b, 0.12, 0.5, 0.09, 0.0);
        }
    }
}

/// FNV-1a, a tiny stable hash: the standard library's hasher may change between
/// releases, and these images must not.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One step of SplitMix64: a good, tiny, seedable pseudo-random mix.
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every flag is a valid GIF of the book's 3:2 size, a few KB like the book's.
    #[test]
    fn every_flag_is_a_real_gif_of_plausible_size() {
        for cc in crate::COUNTRIES.iter().map(|c| c.iso_cc) {
            let bytes = flag_gif(cc);
            assert!(bytes.starts_with(b"GIF89a"), "{cc}");
            assert!(
                (700..40_000).contains(&bytes.len()),
                "{cc}: {} bytes",
                bytes.len()
            );
            let mut decoder =
                gif::DecodeOptions::new().read_info(&bytes[..]).unwrap();
            assert_eq!((decoder.width(), decoder.height()), (WIDTH, HEIGHT));
            assert!(decoder.read_next_frame().unwrap().is_some());
        }
    }

    /// A code paints the same bytes on every run, machine and release: the
    /// painted GIFs of a few flags (POP20 designs and generic ones) match
    /// digests recorded once. A change here changes every client's saved
    /// files; if it is meant, record the new digests.
    #[test]
    fn flags_are_deterministic_and_distinct() {
        // FNV-1a, written out here rather than borrowed from the code under
        // test, and stable, unlike the standard library's hasher.
        fn digest(bytes: &[u8]) -> u64 {
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for &byte in bytes {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
            hash
        }
        let recorded: [(&str, u64); 6] = [
            ("BR", 0x2360_6f89_4540_3fce),
            ("CN", 0x5685_dcc4_8e27_2858),
            ("FR", 0x530a_2059_7911_084c),
            ("US", 0xba89_8790_cbd4_d64b),
            ("AD", 0xf907_ef28_87ae_22f0),
            ("ZW", 0xa962_aca8_ffa0_0833),
        ];
        for (cc, expected) in recorded {
            let painted = digest(&flag_gif(cc));
            assert_eq!(painted, expected, "{cc}: {painted:#018x}");
        }
        assert_ne!(flag_gif("FR"), flag_gif("RU"));
        assert_ne!(flag_gif("AB"), flag_gif("AC"));
    }
}
