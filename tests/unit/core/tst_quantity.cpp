// Quantity: the Kubernetes resource quantity grammar, checked against the values
// k8s.io/apimachinery's Quantity.Value()/MilliValue() give (rounded up, away from zero).

#include "quantity.h"

#include <QTest>

#include <limits>

using namespace Opsdeck;
using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kError = std::numeric_limits<qint64>::min(); // the conversion must fail
}

class tst_Quantity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void garbage_data();
    void garbage();
};

void tst_Quantity::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("value");
    QTest::addColumn<qint64>("milli");
    QTest::addColumn<qint64>("integer");

    // PodMetrics as metrics-server reports them (API-CONTRACTS §1)
    QTest::newRow("cpu nanocores rounds milli up") << u"1234567n"_s << 0.001234567 << qint64(2) << qint64(1);
    QTest::newRow("cpu millicores") << u"250m"_s << 0.25 << qint64(250) << qint64(1);
    QTest::newRow("one core") << u"1"_s << 1.0 << qint64(1000) << qint64(1);
    QTest::newRow("memory KiB") << u"23456Ki"_s << 24018944.0 << qint64(24018944000) << qint64(24018944);
    QTest::newRow("fractional GiB") << u"1.5Gi"_s << 1610612736.0 << qint64(1610612736000) << qint64(1610612736);
    QTest::newRow("decimal exponent") << u"129e6"_s << 129e6 << qint64(129000000000) << qint64(129000000);
    QTest::newRow("upper-case exponent") << u"1E3"_s << 1000.0 << qint64(1000000) << qint64(1000);
    QTest::newRow("signed exponent") << u"1e+3"_s << 1000.0 << qint64(1000000) << qint64(1000);
    QTest::newRow("negative exponent") << u"5e-3"_s << 0.005 << qint64(5) << qint64(1);
    QTest::newRow("exa is E alone") << u"1E"_s << 1e18 << kError << qint64(1000000000000000000);
    QTest::newRow("zero") << u"0"_s << 0.0 << qint64(0) << qint64(0);
    QTest::newRow("zero with suffix") << u"0.0Gi"_s << 0.0 << qint64(0) << qint64(0);
    QTest::newRow("negative rounds away from zero") << u"-250m"_s << -0.25 << qint64(-250) << qint64(-1);
    QTest::newRow("explicit plus") << u"+1k"_s << 1000.0 << qint64(1000000) << qint64(1000);
    QTest::newRow("leading dot") << u".5"_s << 0.5 << qint64(500) << qint64(1);
    QTest::newRow("trailing dot") << u"5."_s << 5.0 << qint64(5000) << qint64(5);
    QTest::newRow("micro") << u"1u"_s << 1e-6 << qint64(1) << qint64(1);
    QTest::newRow("mega") << u"100M"_s << 1e8 << qint64(100000000000) << qint64(100000000);
    QTest::newRow("giga") << u"2G"_s << 2e9 << qint64(2000000000000) << qint64(2000000000);
    QTest::newRow("tebi") << u"2Ti"_s << 2199023255552.0 << qint64(2199023255552000) << qint64(2199023255552);
    QTest::newRow("peta") << u"3P"_s << 3e15 << qint64(3000000000000000000) << qint64(3000000000000000);
    QTest::newRow("pebi") << u"1Pi"_s << 1125899906842624.0 << qint64(1125899906842624000) << qint64(1125899906842624);
    QTest::newRow("7Ei fits int64") << u"7Ei"_s << 8070450532247928832.0 << kError << qint64(8070450532247928832);
    QTest::newRow("8Ei is 2^63, one past int64") << u"8Ei"_s << 9223372036854775808.0 << kError << kError;
    QTest::newRow("leading zeros") << u"007Mi"_s << 7340032.0 << qint64(7340032000) << qint64(7340032);
    QTest::newRow("tiny fraction still one milli")
        << u"0.000000000000000000001"_s << 1e-21 << qint64(1) << qint64(1);
    QTest::newRow("far below one") << u"1e-50"_s << 1e-50 << qint64(1) << qint64(1);
    QTest::newRow("19 digits exact") << u"1234567890123456789"_s << 1234567890123456789.0 << kError
                                     << qint64(1234567890123456789);
    QTest::newRow("20 digits overflow") << u"12345678901234567891"_s << 12345678901234567891.0 << kError << kError;
    QTest::newRow("19 digits with a fraction rounds up")
        << u"123456789012345678.9"_s << 123456789012345678.9 << kError << qint64(123456789012345679);
    QTest::newRow("int64 max") << u"9223372036854775807"_s << 9223372036854775807.0 << kError
                               << std::numeric_limits<qint64>::max();
    QTest::newRow("surrounding space trimmed") << u" 100Mi "_s << 104857600.0 << qint64(104857600000)
                                               << qint64(104857600);
    QTest::newRow("huge exponent") << u"1e400"_s << std::numeric_limits<double>::infinity() << kError << kError;
}

void tst_Quantity::parse()
{
    QFETCH(QString, text);
    QFETCH(double, value);
    QFETCH(qint64, milli);
    QFETCH(qint64, integer);

    const Result<Quantity> q = Quantity::parse(text);
    QVERIFY2(q, qPrintable(q ? QString() : q.error().message));
    if (value == 0.0)
        QCOMPARE(q->toDouble(), 0.0);
    else
        QCOMPARE(q->toDouble(), value);

    const Result<qint64> m = q->toMilli();
    if (milli == kError) {
        QVERIFY(!m);
        QCOMPARE(toString(m.error().kind), toString(ErrorKind::Invalid));
        QVERIFY2(m.error().message.contains(text), qPrintable(m.error().message));
    } else {
        QVERIFY2(m, qPrintable(m ? QString() : m.error().message));
        QCOMPARE(*m, milli);
    }
    const Result<qint64> i = q->toInt64();
    if (integer == kError) {
        QVERIFY(!i);
    } else {
        QVERIFY2(i, qPrintable(i ? QString() : i.error().message));
        QCOMPARE(*i, integer);
    }
}

void tst_Quantity::garbage_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << u"   "_s;
    QTest::newRow("word") << u"abc"_s;
    QTest::newRow("two dots") << u"1.2.3"_s;
    QTest::newRow("digits after suffix") << u"1Ki2"_s;
    QTest::newRow("suffix alone") << u"Ki"_s;
    QTest::newRow("upper-case binary suffix") << u"1KI"_s;
    QTest::newRow("upper-case kilo") << u"1K"_s;
    QTest::newRow("unit word") << u"1kb"_s;
    QTest::newRow("exponent without digits") << u"1e"_s;
    QTest::newRow("exponent without mantissa") << u"e3"_s;
    QTest::newRow("fractional exponent") << u"1e3.5"_s;
    QTest::newRow("double sign") << u"--1"_s;
    QTest::newRow("space before suffix") << u"1 Ki"_s;
    QTest::newRow("dot alone") << u"."_s;
    QTest::newRow("sign alone") << u"+"_s;
    QTest::newRow("hex") << u"0x10"_s;
    QTest::newRow("i alone") << u"1i"_s;
    QTest::newRow("full-width digit") << QStringLiteral("\uFF11");
    QTest::newRow("exponent past int32") << u"1e99999999999"_s;
}

void tst_Quantity::garbage()
{
    QFETCH(QString, text);
    const Result<Quantity> q = Quantity::parse(text);
    QVERIFY(!q);
    QCOMPARE(toString(q.error().kind), toString(ErrorKind::Invalid));
    QVERIFY2(q.error().message.contains(u"quantity '"_s + text + u'\''), qPrintable(q.error().message));
}

QTEST_GUILESS_MAIN(tst_Quantity)
#include "tst_quantity.moc"
