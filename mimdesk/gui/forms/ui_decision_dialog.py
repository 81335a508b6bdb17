# Generated from ui/decision_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'decision_dialog.ui'
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
    QPlainTextEdit, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget)

class Ui_DecisionDialog(object):
    def setupUi(self, DecisionDialog):
        if not DecisionDialog.objectName():
            DecisionDialog.setObjectName(u"DecisionDialog")
        DecisionDialog.resize(560, 380)
        self.mainLayout = QVBoxLayout(DecisionDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.introLabel = QLabel(DecisionDialog)
        self.introLabel.setObjectName(u"introLabel")
        self.introLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.introLabel)

        self.recommendationLabel = QLabel(DecisionDialog)
        self.recommendationLabel.setObjectName(u"recommendationLabel")
        self.recommendationLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.recommendationLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.severityLabel = QLabel(DecisionDialog)
        self.severityLabel.setObjectName(u"severityLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.severityLabel)

        self.severityCombo = QComboBox(DecisionDialog)
        self.severityCombo.setObjectName(u"severityCombo")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.severityCombo)

        self.severityDescription = QLabel(DecisionDialog)
        self.severityDescription.setObjectName(u"severityDescription")
        self.severityDescription.setWordWrap(True)

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.severityDescription)

        self.mimLabel = QLabel(DecisionDialog)
        self.mimLabel.setObjectName(u"mimLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.mimLabel)

        self.mimEdit = QLineEdit(DecisionDialog)
        self.mimEdit.setObjectName(u"mimEdit")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.mimEdit)

        self.rationaleLabel = QLabel(DecisionDialog)
        self.rationaleLabel.setObjectName(u"rationaleLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.rationaleLabel)

        self.rationaleEdit = QPlainTextEdit(DecisionDialog)
        self.rationaleEdit.setObjectName(u"rationaleEdit")
        self.rationaleEdit.setTabChangesFocus(True)

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.rationaleEdit)

        self.rationaleHint = QLabel(DecisionDialog)
        self.rationaleHint.setObjectName(u"rationaleHint")
        self.rationaleHint.setWordWrap(True)

        self.formLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.rationaleHint)


        self.mainLayout.addLayout(self.formLayout)

        self.errorLabel = QLabel(DecisionDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.errorLabel)

        self.verticalSpacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonBox = QDialogButtonBox(DecisionDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.severityLabel.setBuddy(self.severityCombo)
        self.mimLabel.setBuddy(self.mimEdit)
        self.rationaleLabel.setBuddy(self.rationaleEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.severityCombo, self.mimEdit)
        QWidget.setTabOrder(self.mimEdit, self.rationaleEdit)

        self.retranslateUi(DecisionDialog)

        QMetaObject.connectSlotsByName(DecisionDialog)
    # setupUi

    def retranslateUi(self, DecisionDialog):
        DecisionDialog.setWindowTitle(QCoreApplication.translate("DecisionDialog", u"Declare a major incident", None))
        self.severityLabel.setText(QCoreApplication.translate("DecisionDialog", u"&Severity:", None))
        self.mimLabel.setText(QCoreApplication.translate("DecisionDialog", u"Major Incident &Manager:", None))
        self.mimEdit.setPlaceholderText(QCoreApplication.translate("DecisionDialog", u"Who runs the incident from now on", None))
        self.rationaleLabel.setText(QCoreApplication.translate("DecisionDialog", u"&Rationale:", None))
    # retranslateUi

