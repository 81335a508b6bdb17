# Generated from ui/assign_role_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'assign_role_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QDialog,
    QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QPlainTextEdit, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget)

class Ui_AssignRoleDialog(object):
    def setupUi(self, AssignRoleDialog):
        if not AssignRoleDialog.objectName():
            AssignRoleDialog.setObjectName(u"AssignRoleDialog")
        AssignRoleDialog.resize(520, 240)
        self.mainLayout = QVBoxLayout(AssignRoleDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.roleLabel = QLabel(AssignRoleDialog)
        self.roleLabel.setObjectName(u"roleLabel")
        self.roleLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.roleLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.personLabel = QLabel(AssignRoleDialog)
        self.personLabel.setObjectName(u"personLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.personLabel)

        self.personEdit = QLineEdit(AssignRoleDialog)
        self.personEdit.setObjectName(u"personEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.personEdit)

        self.noteLabel = QLabel(AssignRoleDialog)
        self.noteLabel.setObjectName(u"noteLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.noteLabel)

        self.noteEdit = QPlainTextEdit(AssignRoleDialog)
        self.noteEdit.setObjectName(u"noteEdit")
        self.noteEdit.setTabChangesFocus(True)

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.noteEdit)

        self.rememberCheck = QCheckBox(AssignRoleDialog)
        self.rememberCheck.setObjectName(u"rememberCheck")
        self.rememberCheck.setChecked(True)

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.rememberCheck)

        self.overrideLabel = QLabel(AssignRoleDialog)
        self.overrideLabel.setObjectName(u"overrideLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.overrideLabel)

        self.overrideEdit = QLineEdit(AssignRoleDialog)
        self.overrideEdit.setObjectName(u"overrideEdit")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.overrideEdit)


        self.mainLayout.addLayout(self.formLayout)

        self.errorLabel = QLabel(AssignRoleDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.errorLabel)

        self.verticalSpacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonBox = QDialogButtonBox(AssignRoleDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.personLabel.setBuddy(self.personEdit)
        self.noteLabel.setBuddy(self.noteEdit)
        self.overrideLabel.setBuddy(self.overrideEdit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(AssignRoleDialog)

        QMetaObject.connectSlotsByName(AssignRoleDialog)
    # setupUi

    def retranslateUi(self, AssignRoleDialog):
        AssignRoleDialog.setWindowTitle(QCoreApplication.translate("AssignRoleDialog", u"Assign a role", None))
        self.personLabel.setText(QCoreApplication.translate("AssignRoleDialog", u"&Person:", None))
        self.noteLabel.setText(QCoreApplication.translate("AssignRoleDialog", u"&Handover note:", None))
        self.noteEdit.setPlaceholderText(QCoreApplication.translate("AssignRoleDialog", u"Optional: what the new holder needs to know (state, open actions, who to call)", None))
        self.rememberCheck.setText(QCoreApplication.translate("AssignRoleDialog", u"&Save this person to the directory", None))
        self.overrideLabel.setText(QCoreApplication.translate("AssignRoleDialog", u"&Reason for taking over:", None))
        self.overrideEdit.setPlaceholderText(QCoreApplication.translate("AssignRoleDialog", u"Recorded in the handover note", None))
    # retranslateUi

