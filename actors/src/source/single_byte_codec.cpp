// File: tables and transcoding of the single-byte codecs.
#include "source/single_byte_codec.hpp"

#include <array>
#include <cctype>

namespace troupe::actors::detail {

namespace {

constexpr std::array<std::uint16_t, 128> make_latin1() {
  std::array<std::uint16_t, 128> table{};
  for (std::uint16_t i = 0; i < 128; ++i)
    table[i] = static_cast<std::uint16_t>(0x80 + i);
  return table;
}

constexpr std::array<std::uint16_t, 128> make_latin9() {
  auto table = make_latin1();
  table[0xA4 - 0x80] = 0x20AC;
  table[0xA6 - 0x80] = 0x0160;
  table[0xA8 - 0x80] = 0x0161;
  table[0xB4 - 0x80] = 0x017D;
  table[0xB8 - 0x80] = 0x017E;
  table[0xBC - 0x80] = 0x0152;
  table[0xBD - 0x80] = 0x0153;
  table[0xBE - 0x80] = 0x0178;
  return table;
}

constexpr auto latin1_table = make_latin1();
constexpr auto latin9_table = make_latin9();

// Generated from CPython's codecs: bytes([b]).decode(name) for b >= 0x80.
constexpr std::array<std::uint16_t, 128> cp1252_table = {
    0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0000, 0x017D, 0x0000,
    0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x0000, 0x017E, 0x0178,
    0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,
    0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
    0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,
    0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF,
    0x00D0, 0x00D1, 0x00D2, 0x00D3, 0x00D4, 0x00D5, 0x00D6, 0x00D7,
    0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x00DD, 0x00DE, 0x00DF,
    0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7,
    0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x00EC, 0x00ED, 0x00EE, 0x00EF,
    0x00F0, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7,
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x00FD, 0x00FE, 0x00FF,
};

constexpr std::array<std::uint16_t, 128> koi8_r_table = {
    0x2500, 0x2502, 0x250C, 0x2510, 0x2514, 0x2518, 0x251C, 0x2524,
    0x252C, 0x2534, 0x253C, 0x2580, 0x2584, 0x2588, 0x258C, 0x2590,
    0x2591, 0x2592, 0x2593, 0x2320, 0x25A0, 0x2219, 0x221A, 0x2248,
    0x2264, 0x2265, 0x00A0, 0x2321, 0x00B0, 0x00B2, 0x00B7, 0x00F7,
    0x2550, 0x2551, 0x2552, 0x0451, 0x2553, 0x2554, 0x2555, 0x2556,
    0x2557, 0x2558, 0x2559, 0x255A, 0x255B, 0x255C, 0x255D, 0x255E,
    0x255F, 0x2560, 0x2561, 0x0401, 0x2562, 0x2563, 0x2564, 0x2565,
    0x2566, 0x2567, 0x2568, 0x2569, 0x256A, 0x256B, 0x256C, 0x00A9,
    0x044E, 0x0430, 0x0431, 0x0446, 0x0434, 0x0435, 0x0444, 0x0433,
    0x0445, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E,
    0x043F, 0x044F, 0x0440, 0x0441, 0x0442, 0x0443, 0x0436, 0x0432,
    0x044C, 0x044B, 0x0437, 0x0448, 0x044D, 0x0449, 0x0447, 0x044A,
    0x042E, 0x0410, 0x0411, 0x0426, 0x0414, 0x0415, 0x0424, 0x0413,
    0x0425, 0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E,
    0x041F, 0x042F, 0x0420, 0x0421, 0x0422, 0x0423, 0x0416, 0x0412,
    0x042C, 0x042B, 0x0417, 0x0428, 0x042D, 0x0429, 0x0427, 0x042A,
};

const single_byte_codec latin1{"iso-8859-1", latin1_table.data()};
const single_byte_codec latin9{"iso-8859-15", latin9_table.data()};
const single_byte_codec cp1252{"cp1252", cp1252_table.data()};
const single_byte_codec koi8_r{"koi8-r", koi8_r_table.data()};

// Python's encodings.normalize_encoding plus the lower-casing of
// codecs.lookup: runs of characters other than letters, digits and '.' become
// one '_', leading and trailing ones vanish.
std::string normalize(std::string_view name) {
  std::string out;
  bool punct = false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '.') {
      if (punct && !out.empty())
        out += '_';
      out += static_cast<char>(std::tolower(u));
      punct = false;
    } else {
      punct = true;
    }
  }
  return out;
}

struct alias {
  std::string_view name;
  const single_byte_codec* codec; // null for UTF-8
};

// The aliases of Lib/encodings/aliases.py for the supported codecs.
constexpr std::array<std::string_view, 7> utf8_aliases = {
  "utf_8", "utf8", "u8", "utf", "utf8_ucs2", "utf8_ucs4", "cp65001"};

const alias codec_aliases[] = {
  {"latin_1", &latin1},         {"latin1", &latin1},
  {"latin", &latin1},           {"l1", &latin1},
  {"iso_8859_1", &latin1},      {"iso8859_1", &latin1},
  {"iso8859", &latin1},         {"iso_8859_1_1987", &latin1},
  {"iso_ir_100", &latin1},      {"8859", &latin1},
  {"cp819", &latin1},           {"csisolatin1", &latin1},
  {"ibm819", &latin1},          {"iso_latin_1", &latin1},
  {"iso8859_15", &latin9},      {"iso_8859_15", &latin9},
  {"latin9", &latin9},          {"l9", &latin9},
  {"cp1252", &cp1252},          {"windows_1252", &cp1252},
  {"1252", &cp1252},
  {"koi8_r", &koi8_r},          {"cskoi8r", &koi8_r},
};

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

} // namespace

const single_byte_codec* find_single_byte_codec(std::string_view cookie,
                                                bool& utf8) {
  auto name = normalize(cookie);
  utf8 = false;
  for (auto candidate : utf8_aliases) {
    if (name == candidate) {
      utf8 = true;
      return nullptr;
    }
  }
  for (const auto& entry : codec_aliases)
    if (name == entry.name)
      return entry.codec;
  return nullptr;
}

std::size_t transcode_to_utf8(std::string_view bytes,
                              const single_byte_codec& codec,
                              std::string& out) {
  out.reserve(out.size() + bytes.size() + bytes.size() / 8);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte < 0x80) {
      out += static_cast<char>(byte);
      continue;
    }
    auto cp = codec.high_half[byte - 0x80];
    if (cp == 0)
      return i;
    append_utf8(cp, out);
  }
  return std::string_view::npos;
}

} // namespace troupe::actors::detail
