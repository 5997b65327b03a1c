#pragma once

// A line edit's clear button (setClearButtonEnabled) gets no accessible name from Qt 6.4: a screen reader
// announces just "button". This turns the button on and names it.

#include <QString>

class QLineEdit;

namespace Opsdeck {

void enableNamedClearButton(QLineEdit *edit, const QString &accessibleName);

} // namespace Opsdeck
