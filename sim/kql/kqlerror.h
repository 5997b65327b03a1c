#pragma once

// Why a query was refused, in the terms the Log Analytics query API reports it: a syntax error (the
// parser stopped, or the query uses something this interpreter does not implement) or a semantic
// error (an unknown table, column or function, a type mismatch). `position` is a 0-based offset.

#include <stdexcept>
#include <string>

namespace sim::kql {

class KqlError : public std::runtime_error
{
public:
    enum class Kind { Syntax, Semantic };

    KqlError(Kind kind, std::string message, std::size_t position = 0, std::string token = {})
        : std::runtime_error(message)
        , m_kind(kind)
        , m_position(position)
        , m_token(std::move(token))
    {}

    Kind kind() const { return m_kind; }
    std::size_t position() const { return m_position; }
    const std::string &token() const { return m_token; }

private:
    Kind m_kind;
    std::size_t m_position;
    std::string m_token;
};

} // namespace sim::kql
