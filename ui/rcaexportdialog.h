#pragma once

// File → Export RCA… (issue 9 §6): pick a time window (the last hour by default), Markdown or PDF, and a
// file; the report is prefilled from what `provider` reads for that window (the journal, the alert log,
// the drill runs, the live timeline) and written with RcaMarkdown or RcaPdfWriter.

#include "error.h"
#include "rcareport.h"

#include <QDateTime>
#include <QDialog>

#include <functional>

class QComboBox;
class QDateTimeEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Opsdeck {

class RcaExportDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Format { Markdown, Pdf };
    using InputsProvider
        = std::function<Result<RcaReport::Inputs>(const QDateTime &from, const QDateTime &to)>;

    explicit RcaExportDialog(InputsProvider provider, QWidget *parent = nullptr);

    void setWindow(const QDateTime &from, const QDateTime &to);
    QDateTime from() const;
    QDateTime to() const;
    void setFormat(Format format);
    Format format() const;
    void setOutputPath(const QString &path);
    QString outputPath() const;

    // Builds the report for the chosen window and writes it; the error is also shown in the dialog.
    Result<void> exportReport();

    QDateTimeEdit *fromEdit() const { return m_from; }
    QDateTimeEdit *toEdit() const { return m_to; }
    QComboBox *formatPicker() const { return m_format; }
    QLineEdit *pathEdit() const { return m_path; }
    QLabel *statusLabel() const { return m_status; }

Q_SIGNALS:
    void exported(const QString &path);

public Q_SLOTS:
    void accept() override;

private:
    void browse();
    void onFormatChanged();
    void updateButtons();
    static QString extension(Format format);

    InputsProvider m_provider;
    QDateTimeEdit *m_from = nullptr;
    QDateTimeEdit *m_to = nullptr;
    QComboBox *m_format = nullptr;
    QLineEdit *m_path = nullptr;
    QPushButton *m_browse = nullptr;
    QLabel *m_status = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace Opsdeck
