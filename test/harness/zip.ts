import { crc32, inflateRawSync } from 'node:zlib';

/**
 * Minimal zip reader for checking uploaded artifacts byte for byte. It trusts only the central
 * directory, because @actions/artifact streams its zip and leaves sizes in the local headers as 0
 * (data descriptors follow the data). Zip64 is handled because large artifacts switch to it.
 * Every entry's CRC-32 is checked, so a returned buffer is what the writer meant to store.
 */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const eocd = findEocd(zip);
  let count = zip.readUInt16LE(eocd + 10);
  let cdSize = zip.readUInt32LE(eocd + 12);
  let cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || zip.readUInt32LE(locator) !== 0x07064b50) throw new Error('zip: zip64 locator missing');
    const z64 = Number(zip.readBigUInt64LE(locator + 8));
    if (zip.readUInt32LE(z64) !== 0x06064b50) throw new Error('zip: zip64 end record missing');
    count = Number(zip.readBigUInt64LE(z64 + 32));
    cdSize = Number(zip.readBigUInt64LE(z64 + 40));
    cdOffset = Number(zip.readBigUInt64LE(z64 + 48));
  }
  const files = new Map<string, Buffer>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`zip: bad central directory entry ${i}`);
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    let compressedSize = zip.readUInt32LE(p + 20);
    let size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    let localOffset = zip.readUInt32LE(p + 42);
    // Bit 11: UTF-8 names; the artifact client always sets it, older writers used CP437.
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
    const extra = zip.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    // Zip64 extra (id 1) lists only the fields whose 32-bit slot is saturated, in this order.
    for (let e = 0; e + 4 <= extra.length;) {
      const id = extra.readUInt16LE(e);
      const len = extra.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) {
          size = Number(extra.readBigUInt64LE(q));
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(extra.readBigUInt64LE(q));
          q += 8;
        }
        if (localOffset === 0xffffffff) localOffset = Number(extra.readBigUInt64LE(q));
      }
      e += 4 + len;
    }
    p += 46 + nameLen + extraLen + commentLen;

    if (flags & 0x1) throw new Error(`zip: ${name} is encrypted`);
    if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`zip: bad local header for ${name}`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = inflateRawSync(raw);
    else throw new Error(`zip: ${name} uses unsupported method ${method}`);
    if (data.length !== size) throw new Error(`zip: ${name} is ${data.length} bytes, directory says ${size}`);
    if (crc32(data) !== crc) throw new Error(`zip: CRC mismatch for ${name}`);
    if (name.endsWith('/')) continue; // directory entry
    if (files.has(name)) throw new Error(`zip: duplicate entry ${name}`);
    files.set(name, data);
  }
  return files;
}

function findEocd(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes, so it sits in the tail.
  const stop = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= stop; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) return i;
  }
  throw new Error('zip: end of central directory not found');
}
