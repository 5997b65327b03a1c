#include "labelselector.h"

#include <algorithm>
#include <cctype>

namespace sim {

namespace {

bool isNameChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
}

class Parser
{
public:
    explicit Parser(const std::string &text) : m_text(text) {}

    bool run(std::vector<LabelSelector::Requirement> &out, std::string &error)
    {
        skipSpace();
        if (atEnd())
            return true;
        for (;;) {
            LabelSelector::Requirement r;
            if (!requirement(r, error))
                return false;
            out.push_back(std::move(r));
            skipSpace();
            if (atEnd())
                return true;
            if (m_text[m_pos] != ',') {
                error = "found '" + std::string(1, m_text[m_pos]) + "', expected: ',' or 'end of string'";
                return false;
            }
            ++m_pos;
            skipSpace();
        }
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    void skipSpace()
    {
        while (!atEnd() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
            ++m_pos;
    }
    std::string name()
    {
        const std::size_t start = m_pos;
        while (!atEnd() && isNameChar(m_text[m_pos]))
            ++m_pos;
        return m_text.substr(start, m_pos - start);
    }
    bool keyword(const char *word)
    {
        const std::size_t n = std::char_traits<char>::length(word);
        if (m_text.compare(m_pos, n, word) != 0)
            return false;
        const std::size_t after = m_pos + n;
        if (after < m_text.size() && isNameChar(m_text[after]))
            return false;
        m_pos = after;
        return true;
    }

    bool requirement(LabelSelector::Requirement &r, std::string &error)
    {
        if (m_text[m_pos] == '!') {
            ++m_pos;
            skipSpace();
            r.key = name();
            r.op = LabelSelector::Op::DoesNotExist;
            if (r.key.empty()) {
                error = "expected a label key after '!'";
                return false;
            }
            return true;
        }
        r.key = name();
        if (r.key.empty()) {
            error = "found '" + std::string(1, m_text[m_pos]) + "', expected: !, identifier, or 'end of string'";
            return false;
        }
        skipSpace();
        if (atEnd() || m_text[m_pos] == ',') {
            r.op = LabelSelector::Op::Exists;
            return true;
        }
        if (m_text.compare(m_pos, 2, "==") == 0) {
            m_pos += 2;
            r.op = LabelSelector::Op::Equals;
        } else if (m_text.compare(m_pos, 2, "!=") == 0) {
            m_pos += 2;
            r.op = LabelSelector::Op::NotEquals;
        } else if (m_text[m_pos] == '=') {
            ++m_pos;
            r.op = LabelSelector::Op::Equals;
        } else if (keyword("in")) {
            r.op = LabelSelector::Op::In;
            return valueSet(r, error);
        } else if (keyword("notin")) {
            r.op = LabelSelector::Op::NotIn;
            return valueSet(r, error);
        } else {
            error = "found '" + m_text.substr(m_pos, 1) + "', expected: in, notin, =, ==, !=";
            return false;
        }
        skipSpace();
        r.values.push_back(name()); // an empty value is allowed: `app=`
        return true;
    }

    bool valueSet(LabelSelector::Requirement &r, std::string &error)
    {
        skipSpace();
        if (atEnd() || m_text[m_pos] != '(') {
            error = "found '" + m_text.substr(m_pos, 1) + "', expected: '('";
            return false;
        }
        ++m_pos;
        for (;;) {
            skipSpace();
            r.values.push_back(name());
            skipSpace();
            if (atEnd()) {
                error = "found 'end of string', expected: ',' or ')'";
                return false;
            }
            if (m_text[m_pos] == ')') {
                ++m_pos;
                return true;
            }
            if (m_text[m_pos] != ',') {
                error = "found '" + m_text.substr(m_pos, 1) + "', expected: ',' or ')'";
                return false;
            }
            ++m_pos;
        }
    }

    const std::string &m_text;
    std::size_t m_pos = 0;
};

std::string joined(const std::vector<std::string> &values)
{
    std::string out;
    for (const auto &v : values)
        out += (out.empty() ? "" : ",") + v;
    return out;
}

} // namespace

std::optional<LabelSelector> LabelSelector::parse(const std::string &text, std::string *error)
{
    LabelSelector selector;
    std::string message;
    if (!Parser(text).run(selector.m_requirements, message)) {
        if (error)
            *error = "unable to parse requirement: " + message;
        return std::nullopt;
    }
    return selector;
}

LabelSelector LabelSelector::fromJson(const nlohmann::json &selector)
{
    LabelSelector result;
    if (!selector.is_object()) {
        result.m_nothing = true;
        return result;
    }
    if (const auto ml = selector.find("matchLabels"); ml != selector.end() && ml->is_object()) {
        for (const auto &[k, v] : ml->items())
            result.m_requirements.push_back({k, Op::Equals, {v.is_string() ? v.get<std::string>() : v.dump()}});
    }
    if (const auto me = selector.find("matchExpressions"); me != selector.end() && me->is_array()) {
        for (const auto &e : *me) {
            Requirement r;
            r.key = e.value("key", std::string());
            const std::string op = e.value("operator", std::string());
            r.op = op == "In" ? Op::In : op == "NotIn" ? Op::NotIn : op == "Exists" ? Op::Exists : Op::DoesNotExist;
            if (const auto values = e.find("values"); values != e.end() && values->is_array()) {
                for (const auto &v : *values)
                    r.values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
            }
            result.m_requirements.push_back(std::move(r));
        }
    }
    return result;
}

LabelSelector LabelSelector::fromMap(const nlohmann::json &labels)
{
    LabelSelector result;
    if (!labels.is_object() || labels.empty()) {
        result.m_nothing = true; // a Service without selector selects no pods
        return result;
    }
    for (const auto &[k, v] : labels.items())
        result.m_requirements.push_back({k, Op::Equals, {v.is_string() ? v.get<std::string>() : v.dump()}});
    return result;
}

bool LabelSelector::matches(const nlohmann::json &labels) const
{
    if (m_nothing)
        return false;
    for (const auto &r : m_requirements) {
        const bool isObject = labels.is_object();
        const auto it = isObject ? labels.find(r.key) : labels.end();
        const bool has = isObject && it != labels.end();
        const std::string value = has && it->is_string() ? it->get<std::string>() : std::string();
        const auto in = [&] { return std::find(r.values.begin(), r.values.end(), value) != r.values.end(); };
        switch (r.op) {
        case Op::Equals:
            if (!has || !in())
                return false;
            break;
        case Op::NotEquals:
            if (has && in())
                return false;
            break;
        case Op::In:
            if (!has || !in())
                return false;
            break;
        case Op::NotIn:
            if (has && in())
                return false;
            break;
        case Op::Exists:
            if (!has)
                return false;
            break;
        case Op::DoesNotExist:
            if (has)
                return false;
            break;
        }
    }
    return true;
}

std::string LabelSelector::toString() const
{
    if (m_nothing)
        return "<none>";
    std::string out;
    for (const auto &r : m_requirements) {
        if (!out.empty())
            out += ",";
        switch (r.op) {
        case Op::Equals:
            out += r.key + "=" + (r.values.empty() ? std::string() : r.values.front());
            break;
        case Op::NotEquals:
            out += r.key + "!=" + (r.values.empty() ? std::string() : r.values.front());
            break;
        case Op::In:
            out += r.key + " in (" + joined(r.values) + ")";
            break;
        case Op::NotIn:
            out += r.key + " notin (" + joined(r.values) + ")";
            break;
        case Op::Exists:
            out += r.key;
            break;
        case Op::DoesNotExist:
            out += "!" + r.key;
            break;
        }
    }
    return out;
}

} // namespace sim
