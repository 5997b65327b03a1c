#include "clearablelineedit.h"

#include <QLineEdit>
#include <QToolButton>

namespace Opsdeck {

void enableNamedClearButton(QLineEdit *edit, const QString &accessibleName)
{
    edit->setClearButtonEnabled(true);
    for (QToolButton *button : edit->findChildren<QToolButton *>())
        button->setAccessibleName(accessibleName);
}

} // namespace Opsdeck
