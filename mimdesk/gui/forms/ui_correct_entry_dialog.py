# Generated from ui/correct_entry_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'correct_entry_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout,
    QLabel, QPlainTextEdit, QSizePolicy, QVBoxLayout,
    QWidget)

class Ui_CorrectEntryDialog(object):
    def setupUi(self, CorrectEntryDialog):
        if not CorrectEntryDialog.objectName():
            CorrectEntryDialog.setObjectName(u"CorrectEntryDialog")
        CorrectEntryDialog.resize(560, 360)
        self.mainLayout = QVBoxLayout(CorrectEntryDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.explainLabel = QLabel(CorrectEntryDialog)
        self.explainLabel.setObjectName(u"explainLabel")
        self.explainLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.explainLabel)

        self.originalLabel = QLabel(CorrectEntryDialog)
        self.originalLabel.setObjectName(u"originalLabel")
        self.originalLabel.setWordWrap(True)
        self.originalLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.originalLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.textLabel = QLabel(CorrectEntryDialog)
        self.textLabel.setObjectName(u"textLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.textLabel)

        self.textEdit = QPlainTextEdit(CorrectEntryDialog)
        self.textEdit.setObjectName(u"textEdit")
        self.textEdit.setTabChangesFocus(True)

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.textEdit)

        self.kindLabel = QLabel(CorrectEntryDialog)
        self.kindLabel.setObjectName(u"kindLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.kindLabel)

        self.kindCombo = QComboBox(CorrectEntryDialog)
        self.kindCombo.setObjectName(u"kindCombo")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.kindCombo)

        self.timeCheck = QCheckBox(CorrectEntryDialog)
        self.timeCheck.setObjectName(u"timeCheck")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.timeCheck)

        self.timeEdit = QDateTimeEdit(CorrectEntryDialog)
        self.timeEdit.setObjectName(u"timeEdit")
        self.timeEdit.setEnabled(False)
        self.timeEdit.setCalendarPopup(True)

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.timeEdit)

        self.withdrawCheck = QCheckBox(CorrectEntryDialog)
        self.withdrawCheck.setObjectName(u"withdrawCheck")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.withdrawCheck)


        self.mainLayout.addLayout(self.formLayout)

        self.errorLabel = QLabel(CorrectEntryDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.errorLabel)

        self.buttonBox = QDialogButtonBox(CorrectEntryDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.textLabel.setBuddy(self.textEdit)
        self.kindLabel.setBuddy(self.kindCombo)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(CorrectEntryDialog)

        QMetaObject.connectSlotsByName(CorrectEntryDialog)
    # setupUi

    def retranslateUi(self, CorrectEntryDialog):
        CorrectEntryDialog.setWindowTitle(QCoreApplication.translate("CorrectEntryDialog", u"Correct a timeline entry", None))
        self.explainLabel.setText(QCoreApplication.translate("CorrectEntryDialog", u"The original stays in the record; the timeline shows it corrected.", None))
        self.textLabel.setText(QCoreApplication.translate("CorrectEntryDialog", u"&Text:", None))
        self.kindLabel.setText(QCoreApplication.translate("CorrectEntryDialog", u"&Kind:", None))
        self.timeCheck.setText(QCoreApplication.translate("CorrectEntryDialog", u"Change t&ime:", None))
        self.withdrawCheck.setText(QCoreApplication.translate("CorrectEntryDialog", u"&Withdraw this entry (it was wrong or belongs elsewhere)", None))
    # retranslateUi

