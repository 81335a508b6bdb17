# Generated from ui/new_incident_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'new_incident_dialog.ui'
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
    QLabel, QLineEdit, QPlainTextEdit, QSizePolicy,
    QVBoxLayout, QWidget)

class Ui_NewIncidentDialog(object):
    def setupUi(self, NewIncidentDialog):
        if not NewIncidentDialog.objectName():
            NewIncidentDialog.setObjectName(u"NewIncidentDialog")
        NewIncidentDialog.resize(560, 480)
        self.mainLayout = QVBoxLayout(NewIncidentDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.introLabel = QLabel(NewIncidentDialog)
        self.introLabel.setObjectName(u"introLabel")
        self.introLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.introLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.titleLabel = QLabel(NewIncidentDialog)
        self.titleLabel.setObjectName(u"titleLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.titleLabel)

        self.titleEdit = QLineEdit(NewIncidentDialog)
        self.titleEdit.setObjectName(u"titleEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.titleEdit)

        self.impactLabel = QLabel(NewIncidentDialog)
        self.impactLabel.setObjectName(u"impactLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.impactLabel)

        self.impactEdit = QPlainTextEdit(NewIncidentDialog)
        self.impactEdit.setObjectName(u"impactEdit")
        self.impactEdit.setTabChangesFocus(True)

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.impactEdit)

        self.severityLabel = QLabel(NewIncidentDialog)
        self.severityLabel.setObjectName(u"severityLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.severityLabel)

        self.severityCombo = QComboBox(NewIncidentDialog)
        self.severityCombo.setObjectName(u"severityCombo")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.severityCombo)

        self.usersLabel = QLabel(NewIncidentDialog)
        self.usersLabel.setObjectName(u"usersLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.usersLabel)

        self.usersEdit = QLineEdit(NewIncidentDialog)
        self.usersEdit.setObjectName(u"usersEdit")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.usersEdit)

        self.servicesLabel = QLabel(NewIncidentDialog)
        self.servicesLabel.setObjectName(u"servicesLabel")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.servicesLabel)

        self.servicesEdit = QLineEdit(NewIncidentDialog)
        self.servicesEdit.setObjectName(u"servicesEdit")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.servicesEdit)

        self.impactStartedCheck = QCheckBox(NewIncidentDialog)
        self.impactStartedCheck.setObjectName(u"impactStartedCheck")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.LabelRole, self.impactStartedCheck)

        self.impactStartedEdit = QDateTimeEdit(NewIncidentDialog)
        self.impactStartedEdit.setObjectName(u"impactStartedEdit")
        self.impactStartedEdit.setEnabled(False)
        self.impactStartedEdit.setCalendarPopup(True)

        self.formLayout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.impactStartedEdit)

        self.detectedCheck = QCheckBox(NewIncidentDialog)
        self.detectedCheck.setObjectName(u"detectedCheck")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.LabelRole, self.detectedCheck)

        self.detectedEdit = QDateTimeEdit(NewIncidentDialog)
        self.detectedEdit.setObjectName(u"detectedEdit")
        self.detectedEdit.setEnabled(False)
        self.detectedEdit.setCalendarPopup(True)

        self.formLayout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.detectedEdit)


        self.mainLayout.addLayout(self.formLayout)

        self.errorLabel = QLabel(NewIncidentDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.errorLabel)

        self.buttonBox = QDialogButtonBox(NewIncidentDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.titleLabel.setBuddy(self.titleEdit)
        self.impactLabel.setBuddy(self.impactEdit)
        self.severityLabel.setBuddy(self.severityCombo)
        self.usersLabel.setBuddy(self.usersEdit)
        self.servicesLabel.setBuddy(self.servicesEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.titleEdit, self.impactEdit)
        QWidget.setTabOrder(self.impactEdit, self.severityCombo)
        QWidget.setTabOrder(self.severityCombo, self.usersEdit)
        QWidget.setTabOrder(self.usersEdit, self.servicesEdit)
        QWidget.setTabOrder(self.servicesEdit, self.impactStartedCheck)
        QWidget.setTabOrder(self.impactStartedCheck, self.impactStartedEdit)
        QWidget.setTabOrder(self.impactStartedEdit, self.detectedCheck)
        QWidget.setTabOrder(self.detectedCheck, self.detectedEdit)

        self.retranslateUi(NewIncidentDialog)

        QMetaObject.connectSlotsByName(NewIncidentDialog)
    # setupUi

    def retranslateUi(self, NewIncidentDialog):
        NewIncidentDialog.setWindowTitle(QCoreApplication.translate("NewIncidentDialog", u"New incident", None))
        self.introLabel.setText(QCoreApplication.translate("NewIncidentDialog", u"Report what is broken now; everything else can be filled in later.", None))
        self.titleLabel.setText(QCoreApplication.translate("NewIncidentDialog", u"&Title:", None))
        self.titleEdit.setPlaceholderText(QCoreApplication.translate("NewIncidentDialog", u"What is broken, for whom (e.g. e-mail down for all staff)", None))
        self.impactLabel.setText(QCoreApplication.translate("NewIncidentDialog", u"&Impact:", None))
        self.impactEdit.setPlaceholderText(QCoreApplication.translate("NewIncidentDialog", u"Who cannot do what, since when, and how badly", None))
        self.severityLabel.setText(QCoreApplication.translate("NewIncidentDialog", u"&Severity:", None))
        self.usersLabel.setText(QCoreApplication.translate("NewIncidentDialog", u"&Users affected:", None))
        self.usersEdit.setPlaceholderText(QCoreApplication.translate("NewIncidentDialog", u"An estimate, e.g. 250; empty if unknown", None))
        self.servicesLabel.setText(QCoreApplication.translate("NewIncidentDialog", u"Ser&vices:", None))
        self.servicesEdit.setPlaceholderText(QCoreApplication.translate("NewIncidentDialog", u"Separated by commas, e.g. E-mail, VPN", None))
        self.impactStartedCheck.setText(QCoreApplication.translate("NewIncidentDialog", u"Impact start&ed:", None))
        self.detectedCheck.setText(QCoreApplication.translate("NewIncidentDialog", u"&Detected:", None))
        self.errorLabel.setText("")
    # retranslateUi

