//! A wasm module's bytes, read by the tools here that look inside one (the
//! size profile, the import renamer): only what they need, every read
//! bounds-checked, no length field trusted; a malformed file is an error.
//! Those that change one rewrite it a section at a time
//! ([`rewrite_section`]).

use std::collections::HashMap;

/// A cursor over bytes of a module.
pub struct Reader<'a> {
    pub bytes: &'a [u8],
    pub at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    /// Whether every byte was read.
    pub fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| format!("a length of {n} runs past the end at byte {}", self.at))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    pub fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    /// An unsigned LEB128 of at most 5 bytes.
    pub fn u32(&mut self) -> Result<u32, String> {
        let mut value: u64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| "a LEB128 over 32 bits".to_string());
            }
        }
        Err("a LEB128 longer than 5 bytes".into())
    }

    /// A name's bytes (a length, then that many bytes).
    pub fn name(&mut self) -> Result<&'a [u8], String> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    /// One import's description (function, table, memory, global or tag),
    /// read past; its kind (0 for a function).
    pub fn import_desc(&mut self) -> Result<u8, String> {
        let kind = self.byte()?;
        match kind {
            0 => drop(self.u32()?),
            // A table: its element type, then its limits.
            1 => {
                self.byte()?;
                self.limits()?;
            }
            2 => self.limits()?,
            // A global: its type and mutability.
            3 => drop(self.take(2)?),
            // A tag: its attribute and type.
            4 => {
                self.byte()?;
                self.u32()?;
            }
            kind => return Err(format!("an import of unknown kind {kind}")),
        }
        Ok(kind)
    }

    fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.u32()?;
        if flags & 1 != 0 {
            self.u32()?;
        }
        Ok(())
    }
}

/// A module's sections in order, each its id and its bytes, after the
/// header (which must be a wasm module's).
pub fn sections(wasm: &[u8]) -> Result<Vec<(u8, &[u8])>, String> {
    let mut r = Reader::new(wasm);
    if r.take(4)? != b"\0asm" {
        return Err("not a WebAssembly module".into());
    }
    r.take(4)?;
    let mut sections = Vec::new();
    while !r.done() {
        let id = r.byte()?;
        let len = r.u32()? as usize;
        sections.push((id, r.take(len)?));
    }
    Ok(sections)
}

/// The function names subsection (1) of a `name` section.
pub fn function_names(r: &mut Reader<'_>) -> Result<HashMap<u32, String>, String> {
    let mut names = HashMap::new();
    while !r.done() {
        let kind = r.byte()?;
        let len = r.u32()? as usize;
        let mut sub = Reader::new(r.take(len)?);
        if kind == 1 {
            for _ in 0..sub.u32()? {
                let index = sub.u32()?;
                names.insert(index, String::from_utf8_lossy(sub.name()?).into_owned());
            }
        }
    }
    Ok(names)
}

/// An unsigned LEB128, as a module's lengths and counts are written.
pub fn push_leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let b = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// `wasm` with section `id`'s bytes replaced by what `rewrite` makes of
/// them, every other section copied as it is.
pub fn rewrite_section(
    wasm: &[u8],
    id: u8,
    mut rewrite: impl FnMut(&[u8]) -> std::result::Result<Vec<u8>, String>,
) -> std::result::Result<Vec<u8>, String> {
    let mut out = wasm.get(..8).ok_or("not a WebAssembly module")?.to_vec();
    for (at, body) in sections(wasm)? {
        let body = if at == id {
            rewrite(body)?
        } else {
            body.to_vec()
        };
        out.push(at);
        push_leb(&mut out, body.len() as u64);
        out.extend_from_slice(&body);
    }
    Ok(out)
}
