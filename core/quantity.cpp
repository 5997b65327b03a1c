#include "quantity.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace Opsdeck {

namespace {

struct Suffix
{
    QStringView text;
    int exp10;
    int exp2;
};

// resource.Quantity's suffixer: decimal SI (n u m "" k M G T P E) and binary SI (Ki..Ei).
constexpr Suffix kSuffixes[] = {
    {u"n", -9, 0}, {u"u", -6, 0},  {u"m", -3, 0},  {u"k", 3, 0},   {u"M", 6, 0},   {u"G", 9, 0},
    {u"T", 12, 0}, {u"P", 15, 0},  {u"E", 18, 0},  {u"Ki", 0, 10}, {u"Mi", 0, 20}, {u"Gi", 0, 30},
    {u"Ti", 0, 40}, {u"Pi", 0, 50}, {u"Ei", 0, 60},
};

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// More significant digits than int64 can hold (19) never change an int64 result except by the
// rounding up they force, so the integer conversions keep 19 and remember the rest as "sticky".
constexpr qsizetype kIntDigits = 19;

// 19 digits times 2^60 is below 1.2e37, and one more factor of ten still fits int128 (1.7e38).
__extension__ typedef __int128 Int128;

} // namespace

Result<Quantity> Quantity::parse(QStringView text)
{
    const QStringView s = text.trimmed(); // JSON values are trimmed before parsing, as k8s does
    const auto bad = [&](const QString &why) {
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("quantity '%1' is not valid: %2").arg(text.toString(), why),
                         QStringLiteral("Expected a Kubernetes quantity such as 250m, 1.5Gi or 129e6."));
    };
    if (s.isEmpty())
        return bad(QStringLiteral("empty"));

    Quantity q;
    q.m_text = text.toString();
    qsizetype pos = 0;
    if (s[pos] == u'+' || s[pos] == u'-') {
        q.m_negative = s[pos] == u'-';
        ++pos;
    }
    QByteArray digits;
    qint64 fractionDigits = 0;
    bool anyDigit = false;
    while (pos < s.size() && isDigit(s[pos])) {
        digits.append(char(s[pos].unicode()));
        anyDigit = true;
        ++pos;
    }
    if (pos < s.size() && s[pos] == u'.') {
        ++pos;
        while (pos < s.size() && isDigit(s[pos])) {
            digits.append(char(s[pos].unicode()));
            ++fractionDigits;
            anyDigit = true;
            ++pos;
        }
    }
    if (!anyDigit)
        return bad(QStringLiteral("no number"));

    const QStringView suffix = s.mid(pos);
    qint64 exp10 = -fractionDigits;
    bool known = suffix.isEmpty();
    for (const Suffix &candidate : kSuffixes) {
        if (suffix == candidate.text) {
            exp10 += candidate.exp10;
            q.m_exp2 = candidate.exp2;
            known = true;
            break;
        }
    }
    if (!known) {
        // Decimal exponent: e or E followed by a signed integer ("129e6", "1E-3").
        if (suffix.size() < 2 || (suffix[0] != u'e' && suffix[0] != u'E'))
            return bad(QStringLiteral("unknown suffix '%1'").arg(suffix.toString()));
        bool ok = false;
        const qint64 exponent = suffix.mid(1).toLongLong(&ok);
        const QStringView expDigits =
            (suffix[1] == u'+' || suffix[1] == u'-') ? suffix.mid(2) : suffix.mid(1);
        if (!ok || expDigits.isEmpty() || !std::all_of(expDigits.begin(), expDigits.end(), isDigit))
            return bad(QStringLiteral("unknown suffix '%1'").arg(suffix.toString()));
        if (exponent > std::numeric_limits<qint32>::max() || exponent < std::numeric_limits<qint32>::min())
            return bad(QStringLiteral("exponent out of range"));
        exp10 += exponent;
    }

    // Normalise: no leading zeros, trailing zeros folded into the exponent.
    qsizetype first = 0;
    while (first < digits.size() && digits[first] == '0')
        ++first;
    digits = digits.mid(first);
    while (!digits.isEmpty() && digits.back() == '0') {
        digits.chop(1);
        ++exp10;
    }
    q.m_digits = digits;
    q.m_exp10 = digits.isEmpty() ? 0 : exp10;
    if (digits.isEmpty())
        q.m_exp2 = 0;
    return q;
}

double Quantity::toDouble() const
{
    if (m_digits.isEmpty())
        return 0.0;
    // strtod rounds the decimal correctly; the binary suffix is an exact power of two.
    const QByteArray decimal = m_digits + 'e' + QByteArray::number(m_exp10);
    const double magnitude = std::ldexp(std::strtod(decimal.constData(), nullptr), m_exp2);
    return m_negative ? -magnitude : magnitude;
}

Result<qint64> Quantity::toInt64() const
{
    return scaled(0);
}

Result<qint64> Quantity::toMilli() const
{
    return scaled(3);
}

// ceil(|value| * 10^decimalScale), signed; k8s rounds these "up, away from zero".
Result<qint64> Quantity::scaled(int decimalScale) const
{
    if (m_digits.isEmpty())
        return 0;
    const auto overflow = [&] {
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("quantity '%1' is out of range for a 64-bit integer").arg(m_text));
    };

    QByteArray digits = m_digits;
    qint64 exp10 = m_exp10 + decimalScale;
    bool sticky = false;
    if (digits.size() > kIntDigits) {
        exp10 += digits.size() - kIntDigits;
        sticky = true; // the dropped digits are nonzero (no trailing zeros are kept)
        digits.truncate(kIntDigits);
    }
    constexpr Int128 kMax = std::numeric_limits<qint64>::max();
    Int128 value = 0;
    for (char c : digits)
        value = value * 10 + (c - '0');
    value <<= m_exp2;

    if (exp10 >= 0) {
        for (qint64 i = 0; i < exp10; ++i) {
            value *= 10;
            if (value > kMax)
                return overflow();
        }
        if (sticky)
            value += 1; // only reachable with exp10 == 0: a 19-digit value times 10 overflows above
    } else {
        // 10^38 > int128 max; anything divided by more than that is a fraction in (0, 1).
        if (-exp10 > 37) {
            value = 1;
        } else {
            Int128 divisor = 1;
            for (qint64 i = 0; i < -exp10; ++i)
                divisor *= 10;
            const bool remainder = value % divisor != 0;
            value = value / divisor + ((remainder || sticky) ? 1 : 0);
        }
    }
    if (value > kMax)
        return overflow();
    const auto result = static_cast<qint64>(value);
    return m_negative ? -result : result;
}

} // namespace Opsdeck
