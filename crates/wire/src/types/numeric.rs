//! `numeric` between its text form and its binary form (base-10000 digits).
//!
//! Binary layout: int16 ndigits, int16 weight (of the first digit, in base-10000 positions),
//! uint16 sign (0x0000 +, 0x4000 -, 0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity), uint16 dscale
//! (digits after the decimal point shown), then ndigits int16 digits in 0..=9999, no leading or
//! trailing zero digits. Invariant: text → binary → text gives PostgreSQL's canonical text.

use bytes::{BufMut, BytesMut};

use crate::error::{Result, WireError};

const POS: u16 = 0x0000;
const NEG: u16 = 0x4000;
const NAN: u16 = 0xC000;
const PINF: u16 = 0xD000;
const NINF: u16 = 0xF000;
/// PostgreSQL's limits: 131,072 digits before the point, 16,383 after.
const MAX_INT_DIGITS: usize = 131_072;
const MAX_DSCALE: usize = 16_383;

fn invalid(text: &str) -> WireError {
    WireError::sql(
        "22P02",
        format!("invalid input syntax for type numeric: \"{text}\""),
    )
}

/// Writes the binary form of the numeric written as `text` (PostgreSQL's numeric input syntax).
pub fn text_to_binary(text: &str, buf: &mut BytesMut) -> Result<()> {
    let t = text.trim();
    let special = match t.to_ascii_lowercase().as_str() {
        "nan" => Some(NAN),
        "infinity" | "+infinity" | "inf" | "+inf" => Some(PINF),
        "-infinity" | "-inf" => Some(NINF),
        _ => None,
    };
    if let Some(sign) = special {
        buf.put_i16(0);
        buf.put_i16(0);
        buf.put_u16(sign);
        buf.put_u16(0);
        return Ok(());
    }
    let (negative, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => {
            let exp: i64 = rest[i + 1..].parse().map_err(|_| invalid(text))?;
            (&rest[..i], exp)
        }
        None => (rest, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(invalid(text));
    }
    let overflow = || WireError::sql("22003", "value overflows numeric format");
    if exp.unsigned_abs() > (MAX_INT_DIGITS + MAX_DSCALE) as u64 {
        return Err(overflow());
    }
    // All digits, and where the decimal point falls among them after applying the exponent.
    let mut digits: Vec<u8> = int_part
        .bytes()
        .chain(frac_part.bytes())
        .map(|b| b - b'0')
        .collect();
    let mut point = int_part.len() as i64 + exp;
    if point < 0 {
        let pad = point.unsigned_abs() as usize;
        digits.splice(0..0, std::iter::repeat_n(0, pad));
        point = 0;
    }
    let point = point as usize;
    if point > digits.len() {
        digits.resize(point, 0);
    }
    let dscale = digits.len() - point;
    if dscale > MAX_DSCALE || point > MAX_INT_DIGITS {
        return Err(overflow());
    }
    // Align on the point: pad the integer part on the left and the fraction on the right to
    // whole base-10000 digits.
    let lead = (4 - point % 4) % 4;
    let trail = (4 - dscale % 4) % 4;
    let mut aligned = vec![0u8; lead];
    aligned.extend_from_slice(&digits);
    aligned.extend(std::iter::repeat_n(0, trail));
    let mut groups: Vec<i16> = aligned
        .chunks(4)
        .map(|c| c.iter().fold(0i16, |acc, d| acc * 10 + i16::from(*d)))
        .collect();
    let mut weight = ((lead + point) / 4) as i64 - 1;
    let first = groups.iter().position(|&g| g != 0);
    let ndigits = match first {
        None => {
            groups.clear();
            weight = 0;
            0
        }
        Some(first) => {
            groups.drain(..first);
            weight -= first as i64;
            let last = groups.iter().rposition(|&g| g != 0).map_or(0, |p| p + 1);
            groups.truncate(last);
            groups.len()
        }
    };
    let sign = if negative && ndigits > 0 { NEG } else { POS };
    buf.put_i16(i16::try_from(ndigits).map_err(|_| overflow())?);
    buf.put_i16(i16::try_from(weight).map_err(|_| overflow())?);
    buf.put_u16(sign);
    buf.put_u16(dscale as u16);
    for g in groups {
        buf.put_i16(g);
    }
    Ok(())
}

/// The canonical text of a binary numeric; errors on a malformed one (22P03).
pub fn binary_to_text(bytes: &[u8]) -> Result<String> {
    let bad = || WireError::sql("22P03", "invalid numeric value in binary data");
    if bytes.len() < 8 {
        return Err(bad());
    }
    let word = |i: usize| u16::from_be_bytes([bytes[i], bytes[i + 1]]);
    let ndigits = usize::from(word(0));
    let weight = i64::from(word(2) as i16);
    let sign = word(4);
    let dscale = usize::from(word(6));
    if ndigits > 0x7fff || bytes.len() != 8 + 2 * ndigits || dscale > 0x3fff {
        return Err(bad());
    }
    match sign {
        NAN => return Ok("NaN".into()),
        PINF => return Ok("Infinity".into()),
        NINF => return Ok("-Infinity".into()),
        POS | NEG => {}
        _ => return Err(bad()),
    }
    let mut groups = Vec::with_capacity(ndigits);
    for i in 0..ndigits {
        let g = word(8 + 2 * i);
        if g > 9999 {
            return Err(bad());
        }
        groups.push(g);
    }
    let group_at = |pos: i64| -> u16 {
        // pos is a base-10000 position: 0 = units group, -1 = first fraction group…
        let idx = weight - pos;
        if idx >= 0 && (idx as usize) < groups.len() {
            groups[idx as usize]
        } else {
            0
        }
    };
    let mut out = String::new();
    if sign == NEG {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        out.push_str(&group_at(weight).to_string());
        for pos in (0..weight).rev() {
            out.push_str(&format!("{:04}", group_at(pos)));
        }
    }
    if dscale > 0 {
        out.push('.');
        let mut frac = String::with_capacity(dscale + 4);
        let mut pos = -1;
        while frac.len() < dscale {
            frac.push_str(&format!("{:04}", group_at(pos)));
            pos -= 1;
        }
        frac.truncate(dscale);
        out.push_str(&frac);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(text: &str) -> Vec<u8> {
        let mut b = BytesMut::new();
        text_to_binary(text, &mut b).unwrap();
        b.to_vec()
    }

    fn words(ws: &[u16]) -> Vec<u8> {
        ws.iter().flat_map(|w| w.to_be_bytes()).collect()
    }

    #[test]
    fn encodes_like_postgresql() {
        assert_eq!(bin("0"), words(&[0, 0, 0, 0]));
        assert_eq!(bin("1"), words(&[1, 0, 0, 0, 1]));
        assert_eq!(bin("12345.678"), words(&[3, 1, 0, 3, 1, 2345, 6780]));
        assert_eq!(bin("-0.0001"), words(&[1, 0xffff, 0x4000, 4, 1]));
        assert_eq!(bin("10000"), words(&[1, 1, 0, 0, 1]));
        assert_eq!(bin("1.50"), words(&[2, 0, 0, 2, 1, 5000]));
        assert_eq!(bin("1e3"), words(&[1, 0, 0, 0, 1000]));
        assert_eq!(bin("NaN"), words(&[0, 0, 0xC000, 0]));
        assert_eq!(bin("-Infinity"), words(&[0, 0, 0xF000, 0]));
    }

    #[test]
    fn roundtrips_to_canonical_text() {
        for (input, canon) in [
            ("0", "0"),
            ("-0", "0"),
            ("42", "42"),
            ("-12345.678", "-12345.678"),
            ("0.000001", "0.000001"),
            ("1.50", "1.50"),
            ("+7.", "7"),
            (".5", "0.5"),
            (
                "123456789012345678901234567890",
                "123456789012345678901234567890",
            ),
            ("2.5e-3", "0.0025"),
            ("NaN", "NaN"),
            ("Infinity", "Infinity"),
        ] {
            assert_eq!(binary_to_text(&bin(input)).unwrap(), canon, "{input}");
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        for t in ["", "abc", "1.2.3", "--1", "1e", "1ex", ".", "1e999999"] {
            assert!(text_to_binary(t, &mut BytesMut::new()).is_err(), "{t}");
        }
        assert!(binary_to_text(&[0, 1]).is_err());
        assert!(
            binary_to_text(&words(&[1, 0, 0, 0])).is_err(),
            "digit missing"
        );
        assert!(
            binary_to_text(&words(&[1, 0, 0, 0, 10000])).is_err(),
            "digit too big"
        );
        assert!(
            binary_to_text(&words(&[0, 0, 0x1234, 0])).is_err(),
            "bad sign"
        );
    }
}
