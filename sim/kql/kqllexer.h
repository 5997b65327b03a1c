#pragma once

// Splits a KQL query into tokens: names (also ['quoted names']), string literals ('..', "..", @'..'),
// numbers, timespan literals (5m, 1h, 1.5d, 100ms), datetime(...) literals and punctuation
// (| ( ) [ ] , . .. = == != <> < <= > >= =~ !~ + - * / % ;). Comments (//) are skipped.

#include "kqlerror.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sim::kql {

struct Token
{
    enum class Kind { Name, QuotedName, String, Long, Real, TimeSpan, DateTime, Punct, End };
    Kind kind = Kind::End;
    std::string text;         // the name, the unescaped string, the punctuation, or the literal's source
    std::int64_t ticks = 0;   // TimeSpan and DateTime literals
    double number = 0;        // Long and Real
    std::size_t position = 0; // offset in the query
};

class KqlLexer
{
public:
    // Throws KqlError (Syntax) on an unterminated string or a character KQL does not use.
    static std::vector<Token> tokenize(const std::string &query);
};

} // namespace sim::kql
