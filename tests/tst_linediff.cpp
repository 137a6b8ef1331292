// LineDiff: which lines of two responses differ, by a longest common subsequence of lines.
#include "util/linediff.h"

#include <QTest>

using namespace herald;

class TestLineDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compare_data()
    {
        QTest::addColumn<QStringList>("a");
        QTest::addColumn<QStringList>("b");
        QTest::addColumn<QList<bool>>("changedA");
        QTest::addColumn<QList<bool>>("changedB");
        QTest::newRow("alike") << QStringList{"x", "y"} << QStringList{"x", "y"} << QList<bool>{false, false}
                               << QList<bool>{false, false};
        QTest::newRow("one line differs") << QStringList{"HTTP 200", "X-Cache: HIT", "body"}
                                          << QStringList{"HTTP 200", "X-Cache: MISS", "body"} << QList<bool>{false, true, false}
                                          << QList<bool>{false, true, false};
        // An extra header does not mark every line after it.
        QTest::newRow("line added") << QStringList{"a", "c", "d"} << QStringList{"a", "b", "c", "d"}
                                    << QList<bool>{false, false, false} << QList<bool>{false, true, false, false};
        QTest::newRow("one side empty") << QStringList{} << QStringList{"a"} << QList<bool>{} << QList<bool>{true};
    }
    void compare()
    {
        QFETCH(QStringList, a);
        QFETCH(QStringList, b);
        QFETCH(QList<bool>, changedA);
        QFETCH(QList<bool>, changedB);
        const LineDiff diff = LineDiff::compare(a, b);
        QCOMPARE(diff.changedA(), changedA);
        QCOMPARE(diff.changedB(), changedB);
        QCOMPARE(diff.changedCount(), static_cast<int>(changedA.count(true) + changedB.count(true)));
    }
};

QTEST_GUILESS_MAIN(TestLineDiff)
#include "tst_linediff.moc"
