"""Read the IDX format of the MNIST files (unsigned bytes only).

An IDX file is: two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions,
each dimension as a big-endian 32-bit integer, then the values in C order.
"""
import math
import struct

UBYTE = 0x08


class IDXFormatError(ValueError):
    """The bytes are not a well-formed unsigned-byte IDX file."""


def parse_idx(buf):
    """Turn the bytes of an IDX file into a uint8 tensor that shares ``buf``'s memory.

    ``buf`` should be a ``bytearray`` (writable), so no copy is needed.
    Raises IDXFormatError if the header is wrong or the length does not match it.
    """
    import torch  # here, so the command line starts without loading torch

    if len(buf) < 4 or buf[0] != 0 or buf[1] != 0:
        raise IDXFormatError("not an IDX file (bad magic number)")
    if buf[2] != UBYTE:
        raise IDXFormatError(f"IDX type 0x{buf[2]:02x} is not unsigned byte")
    ndim = buf[3]
    start = 4 + 4 * ndim
    if len(buf) < start:
        raise IDXFormatError("IDX header is cut short")
    shape = struct.unpack(f">{ndim}I", bytes(buf[4:start]))
    count = math.prod(shape)
    if len(buf) != start + count:
        raise IDXFormatError(f"{len(buf) - start:,} data bytes, the header {shape} needs {count:,}")
    if count == 0:
        return torch.zeros(shape, dtype=torch.uint8)
    return torch.frombuffer(buf, dtype=torch.uint8, offset=start, count=count).view(shape)
