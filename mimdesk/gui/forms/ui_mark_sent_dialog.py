# Generated from ui/mark_sent_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'mark_sent_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QSizePolicy, QVBoxLayout, QWidget)

class Ui_MarkSentDialog(object):
    def setupUi(self, MarkSentDialog):
        if not MarkSentDialog.objectName():
            MarkSentDialog.setObjectName(u"MarkSentDialog")
        MarkSentDialog.resize(460, 180)
        self.mainLayout = QVBoxLayout(MarkSentDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.messageLabel = QLabel(MarkSentDialog)
        self.messageLabel.setObjectName(u"messageLabel")
        self.messageLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.messageLabel)

        self.markForm = QFormLayout()
        self.markForm.setObjectName(u"markForm")
        self.markForm.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.channelLabel = QLabel(MarkSentDialog)
        self.channelLabel.setObjectName(u"channelLabel")

        self.markForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.channelLabel)

        self.channelCombo = QComboBox(MarkSentDialog)
        self.channelCombo.setObjectName(u"channelCombo")

        self.markForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.channelCombo)

        self.recipientsLabel = QLabel(MarkSentDialog)
        self.recipientsLabel.setObjectName(u"recipientsLabel")

        self.markForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.recipientsLabel)

        self.recipientsEdit = QLineEdit(MarkSentDialog)
        self.recipientsEdit.setObjectName(u"recipientsEdit")

        self.markForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.recipientsEdit)


        self.mainLayout.addLayout(self.markForm)

        self.errorLabel = QLabel(MarkSentDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.errorLabel)

        self.buttonBox = QDialogButtonBox(MarkSentDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.channelLabel.setBuddy(self.channelCombo)
        self.recipientsLabel.setBuddy(self.recipientsEdit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(MarkSentDialog)

        QMetaObject.connectSlotsByName(MarkSentDialog)
    # setupUi

    def retranslateUi(self, MarkSentDialog):
        MarkSentDialog.setWindowTitle(QCoreApplication.translate("MarkSentDialog", u"Mark sent by other means", None))
        self.channelLabel.setText(QCoreApplication.translate("MarkSentDialog", u"&How it went out:", None))
        self.recipientsLabel.setText(QCoreApplication.translate("MarkSentDialog", u"&To whom:", None))
        self.recipientsEdit.setPlaceholderText(QCoreApplication.translate("MarkSentDialog", u"Who was told, e.g. the bridge, or names", None))
    # retranslateUi

