#pragma once

// Parses the KQL subset opsdeck-sim serves (docs/sim-azure.md): `let name = scalar;` statements, then
// `Table | operator | ...` with where, extend, project, project-away, summarize ... by, order/sort by,
// top, take/limit, count and distinct. Anything else throws KqlError(Syntax) naming what is not
// supported, at its position.

#include "kqlast.h"
#include "kqllexer.h"

#include <string>
#include <vector>

namespace sim::kql {

class KqlParser
{
public:
    static Query parse(const std::string &query);

private:
    explicit KqlParser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

    Query query();
    Operator tabularOperator();
    std::vector<NamedExpr> namedList(bool allowStar = false);
    std::vector<SortKey> sortKeys();
    ExprPtr expression();
    ExprPtr orExpr();
    ExprPtr andExpr();
    ExprPtr comparison();
    ExprPtr additive();
    ExprPtr multiplicative();
    ExprPtr unary();
    ExprPtr postfix();
    ExprPtr primary();
    std::int64_t integerLiteral(const char *what);

    const Token &peek(std::size_t ahead = 0) const;
    const Token &next();
    bool isPunct(const char *p, std::size_t ahead = 0) const;
    bool isWord(const char *w, std::size_t ahead = 0) const;
    void expectPunct(const char *p);
    void expectWord(const char *w);
    [[noreturn]] void fail(const std::string &message, const Token &at) const;
    [[noreturn]] void unsupported(const std::string &what, const Token &at) const;

    std::vector<Token> m_tokens;
    std::size_t m_at = 0;
};

} // namespace sim::kql
