#pragma once

// A Kubernetes resource quantity ("250m", "1234567n", "1.5Gi", "129e6") parsed exactly, as
// k8s.io/apimachinery's resource.ParseQuantity reads it (API-CONTRACTS §1 PodMetrics).

#include "error.h"

#include <QByteArray>
#include <QString>
#include <QStringView>

namespace Opsdeck {

class Quantity
{
public:
    Quantity() = default;

    // Error{Invalid} naming the text for anything outside the quantity grammar.
    static Result<Quantity> parse(QStringView text);

    // The value in base units (cores, bytes); approximate for values past 2^53.
    double toDouble() const;
    // ceil(value) and ceil(value * 1000), away from zero, like Quantity.Value()/MilliValue();
    // Error{Invalid} when the result does not fit in int64.
    Result<qint64> toInt64() const;
    Result<qint64> toMilli() const;

    bool isZero() const { return m_digits.isEmpty(); }
    bool isNegative() const { return m_negative && !isZero(); }

private:
    Result<qint64> scaled(int decimalScale) const;

    // value = (negative ? -1 : 1) * digits * 10^exp10 * 2^exp2
    QByteArray m_digits; // significant digits, no leading or trailing zeros; empty = 0
    bool m_negative = false;
    qint64 m_exp10 = 0;
    int m_exp2 = 0;
    QString m_text; // as given, for error messages
};

} // namespace Opsdeck
