#pragma once

// Money and cost percentages as text: amounts in the locale's currency format with the ISO code's own
// symbol (QLocale::toCurrencyString), changes with their sign. Numbers for machines go through
// CostStore::csvNumber instead.

#include <QLocale>
#include <QString>

#include <optional>

namespace Opsdeck {

class CostFormat
{
public:
    // "$1,234.50" (en_US, USD), "1.234,50 €" (de_DE, EUR); "—" when unknown.
    static QString money(std::optional<double> amount, const QString &currencyCode, const QLocale &locale = QLocale());
    // The symbol a locale using `currencyCode` writes ("$", "€", "£"); the code itself when none does.
    static QString symbol(const QString &currencyCode);
    // "+12.3%", "−4.0%", "0.0%"; "—" when unknown.
    static QString change(std::optional<double> percent, const QLocale &locale = QLocale());
    // "82%", "104%", "7.5%"; "—" when unknown.
    static QString percent(std::optional<double> percent, const QLocale &locale = QLocale());
};

} // namespace Opsdeck
