#include "costformat.h"

#include <QHash>
#include <QMutex>

#include <cmath>

namespace Opsdeck {

namespace {
const QString Unknown = QStringLiteral("—");
}

QString CostFormat::symbol(const QString &currencyCode)
{
    static QMutex mutex;
    static QHash<QString, QString> symbols;
    const QString code = currencyCode.toUpper();
    if (code.isEmpty())
        return {};
    QMutexLocker lock(&mutex);
    if (auto it = symbols.constFind(code); it != symbols.constEnd())
        return *it;
    QString found = code;
    // The locale of the country that issues it writes it best ("$" from en_US, not "US$" from en_AU).
    const QLocale system;
    if (system.currencySymbol(QLocale::CurrencyIsoCode) == code) {
        found = system.currencySymbol(QLocale::CurrencySymbol);
    } else {
        const QList<QLocale> all = QLocale::matchingLocales(QLocale::AnyLanguage, QLocale::AnyScript, QLocale::AnyTerritory);
        QString fallback;
        for (const QLocale &locale : all) {
            if (locale.currencySymbol(QLocale::CurrencyIsoCode) != code)
                continue;
            const QString s = locale.currencySymbol(QLocale::CurrencySymbol);
            if (fallback.isEmpty() || s.size() < fallback.size())
                fallback = s;
            if (locale.language() == QLocale::English) {
                fallback = s;
                break;
            }
        }
        if (!fallback.isEmpty())
            found = fallback;
    }
    symbols.insert(code, found);
    return found;
}

QString CostFormat::money(std::optional<double> amount, const QString &currencyCode, const QLocale &locale)
{
    if (!amount || !std::isfinite(*amount))
        return Unknown;
    if (currencyCode.isEmpty())
        return locale.toString(*amount, 'f', 2);
    return locale.toCurrencyString(*amount, symbol(currencyCode), 2);
}

QString CostFormat::change(std::optional<double> percent, const QLocale &locale)
{
    if (!percent || !std::isfinite(*percent))
        return Unknown;
    const QString number = locale.toString(std::abs(*percent), 'f', 1) + QLatin1Char('%');
    if (*percent > 0.05)
        return QLatin1Char('+') + number;
    if (*percent < -0.05)
        return QChar(0x2212) + number; // minus sign
    return number;
}

QString CostFormat::percent(std::optional<double> percent, const QLocale &locale)
{
    if (!percent || !std::isfinite(*percent))
        return Unknown;
    return locale.toString(*percent, 'f', *percent < 10.0 ? 1 : 0) + QLatin1Char('%');
}

} // namespace Opsdeck
