#include "kqllexer.h"

#include "kqlvalue.h"

#include <cctype>
#include <cmath>
#include <map>

namespace sim::kql {

namespace {

bool nameStart(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

bool namePart(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// Timespan suffixes Kusto accepts after a number, in ticks.
const std::map<std::string, double> &timespanUnits()
{
    static const std::map<std::string, double> units = {
        {"d", 864e9}, {"day", 864e9}, {"days", 864e9},
        {"h", 36e9}, {"hr", 36e9}, {"hrs", 36e9}, {"hour", 36e9}, {"hours", 36e9},
        {"m", 6e8}, {"min", 6e8}, {"minute", 6e8}, {"minutes", 6e8},
        {"s", 1e7}, {"sec", 1e7}, {"second", 1e7}, {"seconds", 1e7},
        {"ms", 1e4}, {"milli", 1e4}, {"millis", 1e4}, {"millisecond", 1e4}, {"milliseconds", 1e4},
        {"microsecond", 10}, {"microseconds", 10}, {"tick", 1}, {"ticks", 1},
    };
    return units;
}

std::string readQuoted(const std::string &q, std::size_t &i, bool verbatim)
{
    const char quote = q[i];
    const std::size_t start = i;
    ++i;
    std::string out;
    while (i < q.size() && q[i] != quote) {
        if (q[i] == '\\' && !verbatim && i + 1 < q.size()) {
            const char e = q[i + 1];
            switch (e) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            default: out += e; break;
            }
            i += 2;
            continue;
        }
        if (q[i] == '\n')
            break;
        out += q[i++];
    }
    if (i >= q.size() || q[i] != quote)
        throw KqlError(KqlError::Kind::Syntax, "unterminated string literal", start, q.substr(start, 1));
    ++i;
    return out;
}

} // namespace

std::vector<Token> KqlLexer::tokenize(const std::string &q)
{
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < q.size()) {
        const char c = q[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        }
        if (c == '/' && i + 1 < q.size() && q[i + 1] == '/') {
            while (i < q.size() && q[i] != '\n')
                ++i;
            continue;
        }
        Token t;
        t.position = i;
        if (c == '\'' || c == '"') {
            t.kind = Token::Kind::String;
            t.text = readQuoted(q, i, false);
        } else if ((c == '@' || c == 'h' || c == 'H') && i + 1 < q.size() && (q[i + 1] == '\'' || q[i + 1] == '"')) {
            // @'verbatim' and h'obfuscated' strings
            ++i;
            t.kind = Token::Kind::String;
            t.text = readQuoted(q, i, c == '@');
        } else if (c == '[' && i + 1 < q.size() && (q[i + 1] == '\'' || q[i + 1] == '"')) {
            // ['column name'] – but x['key'] is an index: the parser tells them apart by what precedes
            std::size_t j = i + 1;
            const std::string name = readQuoted(q, j, false);
            std::size_t k = j;
            while (k < q.size() && std::isspace(static_cast<unsigned char>(q[k])))
                ++k;
            // x['key'] indexes what it touches; ['name'] after a space or a keyword is a column name.
            const bool afterOperand = !tokens.empty() && i > 0 && !std::isspace(static_cast<unsigned char>(q[i - 1]))
                && (tokens.back().kind == Token::Kind::Name || tokens.back().kind == Token::Kind::QuotedName
                    || (tokens.back().kind == Token::Kind::Punct && (tokens.back().text == ")" || tokens.back().text == "]")));
            if (k < q.size() && q[k] == ']' && !afterOperand) {
                t.kind = Token::Kind::QuotedName;
                t.text = name;
                i = k + 1;
            } else {
                t.kind = Token::Kind::Punct;
                t.text = "[";
                ++i;
            }
        } else if (std::isdigit(static_cast<unsigned char>(c))
                   || (c == '.' && i + 1 < q.size() && std::isdigit(static_cast<unsigned char>(q[i + 1])))) {
            std::size_t j = i;
            bool real = false;
            while (j < q.size() && std::isdigit(static_cast<unsigned char>(q[j])))
                ++j;
            if (j + 1 < q.size() && q[j] == '.' && std::isdigit(static_cast<unsigned char>(q[j + 1]))) {
                real = true;
                ++j;
                while (j < q.size() && std::isdigit(static_cast<unsigned char>(q[j])))
                    ++j;
            }
            if (j < q.size() && (q[j] == 'e' || q[j] == 'E') && j + 1 < q.size()
                && (std::isdigit(static_cast<unsigned char>(q[j + 1])) || q[j + 1] == '-' || q[j + 1] == '+')) {
                real = true;
                j += 2;
                while (j < q.size() && std::isdigit(static_cast<unsigned char>(q[j])))
                    ++j;
            }
            const std::string number = q.substr(i, j - i);
            std::size_t k = j;
            while (k < q.size() && std::isalpha(static_cast<unsigned char>(q[k])))
                ++k;
            const std::string suffix = q.substr(j, k - j);
            t.number = std::stod(number);
            if (!suffix.empty()) {
                std::string lower = suffix;
                for (auto &ch : lower)
                    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                const auto unit = timespanUnits().find(lower);
                if (unit == timespanUnits().end())
                    throw KqlError(KqlError::Kind::Syntax, "unknown timespan unit '" + suffix + "' in '" + number + suffix + "'",
                                   i, number + suffix);
                t.kind = Token::Kind::TimeSpan;
                t.ticks = static_cast<std::int64_t>(std::llround(t.number * unit->second));
                j = k;
            } else {
                t.kind = real ? Token::Kind::Real : Token::Kind::Long;
            }
            t.text = q.substr(i, j - i);
            i = j;
        } else if (nameStart(c)) {
            std::size_t j = i;
            while (j < q.size() && (namePart(q[j]) || (q[j] == '-' && j + 1 < q.size() && std::isalpha(static_cast<unsigned char>(q[j + 1]))
                                                       && (q.compare(i, j - i, "project") == 0 || q.compare(i, j - i, "mv") == 0
                                                           || q.compare(i, j - i, "make") == 0))))
                ++j;
            t.kind = Token::Kind::Name;
            t.text = q.substr(i, j - i);
            i = j;
            if (t.text == "datetime") {
                std::size_t k = i;
                while (k < q.size() && std::isspace(static_cast<unsigned char>(q[k])))
                    ++k;
                if (k < q.size() && q[k] == '(') {
                    const std::size_t close = q.find(')', k);
                    if (close == std::string::npos)
                        throw KqlError(KqlError::Kind::Syntax, "datetime( is never closed", t.position, "datetime");
                    std::string inner = q.substr(k + 1, close - k - 1);
                    while (!inner.empty() && std::isspace(static_cast<unsigned char>(inner.back())))
                        inner.pop_back();
                    while (!inner.empty() && std::isspace(static_cast<unsigned char>(inner.front())))
                        inner.erase(inner.begin());
                    if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') && inner.back() == inner.front())
                        inner = inner.substr(1, inner.size() - 2);
                    const auto ticks = Value::parseDatetime(inner);
                    if (!ticks)
                        throw KqlError(KqlError::Kind::Syntax, "bad datetime literal datetime(" + inner + ")", t.position,
                                       "datetime");
                    t.kind = Token::Kind::DateTime;
                    t.ticks = *ticks;
                    t.text = inner;
                    i = close + 1;
                }
            }
        } else {
            static const char *const punct[] = {"==", "!=", "<>", "<=", ">=", "=~", "!~", "..", "|", "(", ")", "[",
                                                "]", ",", ".", "=", "<", ">", "+", "-", "*", "/", "%", ";", "!", ":", "{", "}"};
            bool matched = false;
            for (const char *p : punct) {
                const std::string s(p);
                if (q.compare(i, s.size(), s) == 0) {
                    t.kind = Token::Kind::Punct;
                    t.text = s;
                    i += s.size();
                    matched = true;
                    break;
                }
            }
            if (!matched)
                throw KqlError(KqlError::Kind::Syntax, std::string("unexpected character '") + c + "'", i, std::string(1, c));
        }
        tokens.push_back(std::move(t));
    }
    Token end;
    end.kind = Token::Kind::End;
    end.position = q.size();
    tokens.push_back(end);
    return tokens;
}

} // namespace sim::kql
